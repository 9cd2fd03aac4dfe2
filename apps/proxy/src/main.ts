// Composition root: environment -> sidecar -> signal handling. SIGTERM/SIGINT stop accepting,
// drain in-flight requests for up to DRAIN_MS, then exit; a second signal exits at once.
// First: the process's V8 settings (only env.ts, which it reads NODE_OPTIONS through, loads before).
import "./core/apply-gc-tuning";
import { pino } from "pino";
import { ConfigError, loadConfig } from "./env";
import { createSidecar } from "./sidecar";

const DRAIN_MS = 5_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`weft-proxy: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { node: config.nodeId } });
  let sidecar;
  try {
    sidecar = await createSidecar(config, { logger, processMetrics: true });
  } catch (err) {
    // Configuration only the start can check (e.g. WEFT_ACCESS_LOG not writable): same exit as env errors.
    if (err instanceof ConfigError) {
      process.stderr.write(`weft-proxy: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, drainMs: DRAIN_MS }, "shutting down: draining in-flight requests");
    sidecar.close({ drainMs: DRAIN_MS }).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`weft-proxy: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
