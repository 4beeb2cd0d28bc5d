// Reads the reference corpus: real-looking files with, beside each, the
// references expected in it (`<file>.expected.json`), written by hand.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FileKind } from "../../src/scan/find-references.js";

/** One corpus file and what it is expected to contain. */
export interface CorpusFile {
  /** Path relative to the corpus folder, e.g. `dockerfiles/go-multistage.Dockerfile`. */
  name: string;
  kind: FileKind;
  /** The exact file text (BOM and CRLF kept). */
  text: string;
  expected: ExpectedReference[];
}

/** The fields of a found reference that the corpus pins down. */
export interface ExpectedReference {
  kind: string;
  line: number;
  written: string;
  resolved?: string;
  unpinnable?: string;
  platform?: string;
  stage?: string;
  /** The pin target's text. */
  pinTarget?: string;
}

const FOLDERS: Record<string, FileKind> = {
  dockerfiles: "dockerfile",
  compose: "compose",
  kubernetes: "kubernetes",
  workflows: "workflow",
};

// Compiled to dist/test/corpus/; the corpus files stay in test/corpus/.
const ROOT = fileURLToPath(new URL("../../../test/corpus/", import.meta.url));

/** Every corpus file, sorted by folder and name. */
export function loadCorpus(): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const [folder, kind] of Object.entries(FOLDERS)) {
    for (const entry of readdirSync(ROOT + folder).sort()) {
      if (entry.endsWith(".expected.json")) continue;
      const path = `${ROOT}${folder}/${entry}`;
      // Read as bytes decoded by hand: readFileSync(…, "utf8") keeps a BOM, as it must.
      const text = readFileSync(path, "utf8");
      const expected = JSON.parse(readFileSync(`${path}.expected.json`, "utf8")) as ExpectedReference[];
      files.push({ name: `${folder}/${entry}`, kind, text, expected });
    }
  }
  return files;
}
