// Production bundle for a Node service: inlines the workspace's own packages (@weft/*, shipped as
// TypeScript source) and, by default, leaves every other bare import external, resolved from
// node_modules at run time.
// usage: node scripts/bundle.mjs <entry.ts> <out.js> [--dependencies]
//
// --dependencies (the sidecar): dependencies are bundled too, tree-shaken and minified (whitespace,
// syntax and names). A process keeps the source text of every module it loads, and compiles what
// their top levels run: a sidecar runs beside every service instance, so this is memory paid
// thousands of times (docs/benchmarks.md, RSS). Short names cut the kept source by a third and the
// heap by ~0.5 MB. Weft's code never reads a function's or class's name (logs carry error messages);
// of the dependencies, only @peculiar/asn1-schema's parser compares one (asn1js's "Sequence", for
// repeated fields), and the sidecar only parses a public key (no repeated field) with it. Licence comments are kept at the end of the file; the source map
// (out.js.map) maps stack traces back to the sources' names and lines (node --enable-source-maps).
import { build } from "esbuild";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [entry, outfile, ...flags] = process.argv.slice(2);
const unknown = flags.filter((f) => f !== "--dependencies");
if (!entry || !outfile || unknown.length > 0) {
  console.error("usage: node scripts/bundle.mjs <entry.ts> <out.js> [--dependencies]");
  process.exit(1);
}
const withDependencies = flags.includes("--dependencies");

const externalize = {
  name: "externalize",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      if (args.path.startsWith("@weft/")) return undefined; // bundle workspace source
      // Modules loaded at run time through createRequire (re2-wasm, which reads its .wasm next to
      // its own code; node's _http_common) are never seen here and stay in node_modules.
      if (withDependencies) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  plugins: [externalize],
};

if (withDependencies) {
  // CommonJS output: Node's builtins are then loaded with require(). Imported as ES modules, each
  // builtin gets a namespace that reads every export once, getters included — `tls.rootCertificates`
  // (Mozilla's ~140 roots as strings), `crypto.webcrypto` — and the ES module loader itself stays
  // resident: ~2 MB of RSS for nothing. import() of a dependency stays lazy: its code is in the
  // bundle, run on first use.
  await build({
    ...common,
    entryPoints: [entry],
    outfile,
    format: "cjs",
    // ES modules where a package ships both, so unused exports are dropped.
    mainFields: ["module", "main"],
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    legalComments: "eof",
    define: { "import.meta.url": "__weftImportMetaUrl" },
    banner: { js: "\"use strict\";\nconst __weftImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  // The app's package.json says "type": "module"; this one makes the output directory CommonJS.
  const marker = join(dirname(outfile), "package.json");
  if (existsSync(marker) && JSON.parse(readFileSync(marker, "utf8")).name !== undefined) {
    console.error(`bundle.mjs: ${outfile} would sit next to a package's own package.json; bundle into a directory of its own (e.g. dist/)`);
    process.exit(1);
  }
  writeFileSync(marker, `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
} else {
  await build({
    ...common,
    entryPoints: [entry],
    outfile,
    format: "esm",
    // ESM output still meets CommonJS dependencies that call require(); give them one.
    banner: { js: "import { createRequire as __weftCreateRequire } from 'node:module'; const require = __weftCreateRequire(import.meta.url);" },
  });
}
