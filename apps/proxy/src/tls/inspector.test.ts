import { describe, expect, it } from "vitest";
import { classifyFirstBytes } from "./inspector";

describe("classifyFirstBytes", () => {
  it("tells a TLS ClientHello, the h2c preface and anything else apart, asking for more when unsure", () => {
    expect(classifyFirstBytes(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]))).toBe("tls");
    expect(classifyFirstBytes(Buffer.from([0x16]))).toBe("more");
    expect(classifyFirstBytes(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))).toBe("h2c");
    expect(classifyFirstBytes(Buffer.from("PR"))).toBe("more");
    expect(classifyFirstBytes(Buffer.from("POST / HTTP/1.1\r\n"))).toBe("other");
    expect(classifyFirstBytes(Buffer.from("GET / HTTP/1.1\r\n"))).toBe("other");
    expect(classifyFirstBytes(Buffer.from([0x00, 0x01]))).toBe("other"); // opaque TCP
    expect(classifyFirstBytes(Buffer.alloc(0))).toBe("more");
  });
});
