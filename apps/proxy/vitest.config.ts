// Integration tests start real servers; on a busy 2-core machine the 5 s default is too tight.
// Test helpers time out earlier (ads-test-server waits: 5 s) so failures name what was missing.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { testTimeout: 15_000, hookTimeout: 15_000 },
});
