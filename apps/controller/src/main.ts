// Controller process entry: environment -> controller -> signal handling. Nothing else.
import { startController } from "./controller";
import { readEnv } from "./env";
import { createLogger } from "./log";

const config = readEnv();
const log = createLogger(config.logLevel);

try {
  const controller = await startController(config, { log });
  if (controller.generatedAdminPassword) {
    // Shown once, on the terminal only (never through the logger): it is not stored anywhere.
    process.stderr.write(
      `\n  Weft created the admin user "${config.bootstrap.username}" with the password:  ${controller.generatedAdminPassword}\n` +
        "  It is shown only this once. Set WEFT_ADMIN_PASSWORD on first start to choose it instead.\n\n",
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    controller.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
} catch (err) {
  log.fatal({ err }, (err as Error).message);
  process.exit(1);
}
