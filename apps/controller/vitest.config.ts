import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Integration tests start real servers and databases; under turbo's parallel load on 2 cores
    // the defaults are too tight for setup (not for the assertions, which never time anything).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
