// Browser journeys through the operator console, in Debian's Chromium (never `playwright install`).
// The web server is the whole local stack (controller, console, demo with sidecars) on e2e ports.
import { defineConfig } from "@playwright/test";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  outputDir: resolve(root, "test-results/playwright"),
  // One stack, shared state (a split applied in one journey shows in revisions): run in order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: "list",
  use: {
    baseURL: "http://127.0.0.1:3100",
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  webServer: {
    command: "node scripts/stack.mjs --profile e2e",
    // The launcher starts the controller, then the console, then the demo: the shop answering means all are up.
    url: "http://127.0.0.1:18080/healthz",
    reuseExistingServer: false,
    timeout: 180_000,
    cwd: root,
    env: { NEXT_TELEMETRY_DISABLED: "1" },
    stdout: "pipe",
    stderr: "pipe",
    // Lets the launcher stop its children and remove its temporary data directory.
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
