// The one place the sidecar loads @peculiar/x509 (it needs reflect-metadata first and a WebCrypto
// provider) — key pair generation and CSRs; certificate parsing uses node:crypto.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

// `set` is overloaded (crypto | name, crypto), so `Parameters<>` picks the wrong one; node's webcrypto is a valid Crypto.
x509.cryptoProvider.set(webcrypto as never);

export { x509 };
