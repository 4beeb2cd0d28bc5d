#!/usr/bin/env node
import { buildProgram } from "../dist/src/cli/main.js";

await buildProgram().parseAsync(process.argv);
