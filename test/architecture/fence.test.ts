import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

// Holds the arrows of ARCHITECTURE.md: every import between src/ folders must
// be one the `fence` block allows, and no two files may import each other,
// however indirectly. It reads the TypeScript sources, not the build output.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const SRC = join(ROOT, "src");

function allowedArrows(): Map<string, Set<string>> {
  const text = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");
  const block = /```fence\n([\s\S]*?)```/.exec(text)?.[1];
  assert.ok(block !== undefined, "ARCHITECTURE.md has no ```fence block");
  const arrows = new Map<string, Set<string>>();
  for (const line of block.split("\n").filter((l) => l.trim() !== "")) {
    const [folder, targets = ""] = line.split(":");
    arrows.set((folder ?? "").trim(), new Set(targets.trim().split(/\s+/).filter(Boolean)));
  }
  return arrows;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Relative imports of a file, resolved to source paths. Type-only imports count: they are arrows too. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+"(\.[^"]+)"|import\(\s*"(\.[^"]+)"\s*\)/g),
  ]
    .map((m) => m[1] ?? m[2])
    .filter((s): s is string => s !== undefined);
  return specifiers.map((s) => resolve(dirname(file), s).replace(/\.js$/, ".ts"));
}

const folderOf = (file: string): string => relative(SRC, file).split(sep)[0] ?? "";

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

test("every import between folders is an arrow ARCHITECTURE.md allows", () => {
  const arrows = allowedArrows();
  const wrong: string[] = [];
  for (const [file, imports] of graph) {
    const from = folderOf(file);
    if (from.endsWith(".ts")) continue; // index.ts, the public API
    const allowed = arrows.get(from);
    if (allowed === undefined) {
      wrong.push(`${relative(ROOT, file)}: folder ${from}/ is not in the fence`);
      continue;
    }
    for (const target of imports) {
      const to = folderOf(target);
      if (to !== from && !allowed.has(to))
        wrong.push(`${relative(ROOT, file)} -> ${relative(ROOT, target)} (${from} may not import ${to})`);
    }
  }
  assert.deepEqual(wrong, []);
});

test("no import cycle between files", () => {
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(" -> "));
      return;
    }
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...path, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  assert.deepEqual(cycles, []);
});

test("the fence reads real imports: it sees oci's arrows to errors", () => {
  const ociImports = [...graph].filter(([f]) => folderOf(f) === "oci").flatMap(([, imports]) => imports.map(folderOf));
  assert.ok(ociImports.includes("errors"));
});
