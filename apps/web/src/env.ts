// The console's only reader of process.env (server side). Read once, validated, typed.
import "server-only";
import { z } from "zod";

const EnvSchema = z.object({
  /** Where the controller's HTTP API listens; /api/* is forwarded there. */
  WEFT_CONTROLLER_URL: z
    .url({ error: "WEFT_CONTROLLER_URL must be a URL such as http://127.0.0.1:7070" })
    .default("http://127.0.0.1:7070")
    .transform((u) => u.replace(/\/+$/, "")),
});

export interface ConsoleEnv {
  controllerUrl: string;
}

let cached: ConsoleEnv | undefined;

export function env(): ConsoleEnv {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse({ WEFT_CONTROLLER_URL: process.env.WEFT_CONTROLLER_URL || undefined });
  if (!parsed.success) throw new Error(`invalid console environment: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  cached = { controllerUrl: parsed.data.WEFT_CONTROLLER_URL };
  return cached;
}
