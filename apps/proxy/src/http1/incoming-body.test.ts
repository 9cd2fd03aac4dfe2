import { describe, expect, it } from "vitest";
import { IncomingBody } from "./incoming-body";

describe("IncomingBody", () => {
  it("keeps a message's trailers for a reader that attaches after the message was complete", async () => {
    const body = new IncomingBody({ pause: () => undefined, resume: () => undefined }, () => undefined);
    body.deliver(Buffer.from("payload"));
    body.complete({ "x-request-mac": "m4c" });
    // The reader comes later (an upstream connection still opening, a retry layer buffering).
    await new Promise((resolve) => setImmediate(resolve));
    let trailers: unknown;
    body.once("trailers", (t) => (trailers = t));
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("payload");
    expect(trailers).toEqual({ "x-request-mac": "m4c" });
  });
});
