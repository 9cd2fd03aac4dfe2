// Structured JSON logs (pino). Secrets are redacted by path wherever they might appear.
import pino, { type Logger } from "pino";

export const REDACT_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.cookie",
  "*.headers.cookie",
  "req.headers.authorization",
  "req.headers.cookie",
  "keyPem",
  "*.keyPem",
  "keyEncryptionKey",
  "*.keyEncryptionKey",
];

/** JSON logs to stdout, or to `destination` (tests capture them to check what is never logged). */
export function createLogger(level: string, name = "weft-controller", destination?: pino.DestinationStream): Logger {
  const options = { name, level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
