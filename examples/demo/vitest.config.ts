import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 90_000, include: ["test/**/*.test.ts", "src/**/*.test.ts"] },
});
