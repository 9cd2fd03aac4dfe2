// Next.js config for the operator console. Workspace packages ship TypeScript source, so Next
// transpiles them; the console talks to the controller only through src/app/api/[...path].
import type { NextConfig } from "next";

const config: NextConfig = {
  transpilePackages: ["@weft/contracts"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
