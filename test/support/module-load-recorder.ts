// Loaded with `node --import` into a CLI run: records every module the ES
// module loader loads (our files and each package's entry) into the file
// named by DIGESTGUARD_MODULE_LOG, for tests that check what start-up loads.
import { register } from "node:module";

const logFile = process.env["DIGESTGUARD_MODULE_LOG"];
if (logFile !== undefined) register("./module-load-hooks.js", import.meta.url, { data: { logFile } });
