// Unit tests for the console's pure transforms (graph layout, split maths, formatting) and the
// /api forwarder against a loopback server. No DOM.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "vitest/config";

// Server modules import "server-only", which throws outside React's server build; there it is
// an empty module, so tests get the same.
const serverOnly = join(dirname(createRequire(import.meta.url).resolve("server-only")), "empty.js");

export default defineConfig({
  resolve: { alias: { "server-only": serverOnly } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
