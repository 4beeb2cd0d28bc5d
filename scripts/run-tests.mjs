#!/usr/bin/env node
// Runs the compiled tests with node's own runner. `--unit` skips the
// integration suites that start a real registry.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const unitOnly = process.argv.includes("--unit");
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".test.js")) files.push(path);
  }
}
walk("dist/src");
if (!unitOnly) walk("dist/test");
files.sort();
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
