// What a connection speaks, from its first bytes (Envoy's tls_inspector + HTTP prefix detection):
// a TLS ClientHello, the HTTP/2 prior-knowledge preface (h2c), or anything else (HTTP/1.x or opaque
// bytes). Reads at most a few bytes; the caller puts them back (socket.unshift).

export type FirstBytes = "tls" | "h2c" | "other" | "more";

/** "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n": the first 3 bytes already rule out every HTTP/1 method. */
const PRI = [0x50, 0x52, 0x49];

export function classifyFirstBytes(data: Buffer): FirstBytes {
  if (data.length === 0) return "more";
  // TLS record type handshake (22), major version 3.
  if (data[0] === 0x16) return data.length < 2 ? "more" : data[1] === 0x03 ? "tls" : "other";
  for (let i = 0; i < PRI.length; i++) {
    if (i >= data.length) return "more";
    if (data[i] !== PRI[i]) return "other";
  }
  return "h2c";
}
