#!/usr/bin/env node
import { runCli } from "../dist/src/cli/bundle-loader.js";

await runCli(process.argv);
