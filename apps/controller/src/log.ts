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
];

export function createLogger(level: string, name = "weft-controller"): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } });
}

export type { Logger };
