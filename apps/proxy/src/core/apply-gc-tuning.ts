// The sidecar process's V8 settings (gc-tuning.ts), applied on import: main.ts imports this first.
import { setFlagsFromString } from "node:v8";
import { nodeOptions } from "../env";
import { v8FlagsToApply } from "./gc-tuning";

for (const flag of v8FlagsToApply(process.execArgv, nodeOptions())) setFlagsFromString(flag);
