// `npm run protos -w packages/contracts`: parses PROTO_FILES and writes protos/root.json, the compacted
// descriptor every process loads. Run it after changing PROTO_FILES or the protos' versions.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compactJson, parseProtoFiles } from "./parse";

const path = fileURLToPath(new URL("../../protos/root.json", import.meta.url));
const json = compactJson(parseProtoFiles());
writeFileSync(path, `${JSON.stringify(json, null, 1)}\n`);
console.log(`wrote ${path}`);
