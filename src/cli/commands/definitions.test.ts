// Start-up loads every command's definition (its flags and help), so a
// definition may import only commander and the tiny CLI helpers; the command
// itself comes in through `await import("./X.js")` when it runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const COMMANDS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../src/cli/commands");
const ALLOWED = new Set(["commander", "../definition-helpers.js", "../run-action.js"]);
const sources = readdirSync(COMMANDS_DIR).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
const definitions = sources.filter((f) => f.endsWith("-definition.ts"));

test("every command has a definition module beside it, and every definition a command", () => {
  const commands = sources
    .filter((f) => !f.endsWith("-definition.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
  assert.deepEqual(definitions.map((f) => f.slice(0, -"-definition.ts".length)).sort(), commands);
});

for (const file of definitions) {
  const name = file.slice(0, -"-definition.ts".length);
  test(`${file} imports only commander and the CLI helpers, and its command lazily`, () => {
    const source = readFileSync(join(COMMANDS_DIR, file), "utf8");
    const staticImports = [...source.matchAll(/^import\s[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
    assert.deepEqual(
      staticImports.filter((path) => !ALLOWED.has(path as string)),
      [],
      `${file} imports more than start-up may load`,
    );
    assert.match(
      source,
      new RegExp(`await import\\("\\./${name}\\.js"\\)`),
      `${file} loads ./${name}.js when the command runs`,
    );
  });
}
