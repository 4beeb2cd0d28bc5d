/**
 * Why this exists: `JSON.parse` keeps the last of two equal keys, and Go's
 * `encoding/json` — which registries, containerd and skopeo use — also
 * matches struct fields case-insensitively, so `{"digest":A,"Digest":B}` is
 * read as A here and as B there. Two tools must never read two different
 * documents from one digest, so such documents are refused outright.
 */

// Objects that are string maps in the specs (annotations, labels, …): their
// keys are data, compared exactly by every tool, so case variants are fine there.
const MAP_VALUED_KEYS = new Set(["annotations", "labels", "exposedports", "volumes"]);

const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const SCALAR_END = new Set([...JSON_SPACE, 0x2c, 0x5d, 0x7d]);

/** Where a document repeats a key: the key, the JSON path of its object, and whether only the case differs. */
export interface RepeatedKey {
  key: string;
  path: string;
  caseOnly: boolean;
}

/**
 * The first key that appears twice in one object of `text` (already known to
 * be valid JSON), or twice up to letter case outside string maps; undefined
 * when every key is unique. Linear in the size of the text.
 *
 * @example
 * ```ts
 * findRepeatedKey('{"digest":"a","Digest":"b"}'); // { key: "Digest", path: "", caseOnly: true }
 * findRepeatedKey('{"annotations":{"a":"1","A":"2"}}'); // undefined
 * ```
 */
export function findRepeatedKey(text: string): RepeatedKey | undefined {
  const scanner = new KeyScanner(text);
  return scanner.value("", false);
}

class KeyScanner {
  #at = 0;
  constructor(private readonly text: string) {}

  value(path: string, isMap: boolean): RepeatedKey | undefined {
    this.#skipSpace();
    const char = this.text[this.#at];
    if (char === "{") return this.#object(path, isMap);
    if (char === "[") return this.#array(path);
    if (char === '"') this.#string();
    else this.#scalar();
    return undefined;
  }

  #object(path: string, isMap: boolean): RepeatedKey | undefined {
    this.#at++; // {
    const exact = new Set<string>();
    const folded = new Set<string>();
    for (;;) {
      this.#skipSpace();
      if (this.text[this.#at] === "}") {
        this.#at++;
        return undefined;
      }
      if (this.text[this.#at] === ",") this.#at++;
      this.#skipSpace();
      const key = this.#string();
      const fold = key.toUpperCase().toLowerCase();
      if (exact.has(key)) return { key, path, caseOnly: false };
      if (!isMap && folded.has(fold)) return { key, path, caseOnly: true };
      exact.add(key);
      folded.add(fold);
      this.#skipSpace();
      this.#at++; // :
      const found = this.value(path === "" ? key : `${path}.${key}`, MAP_VALUED_KEYS.has(key.toLowerCase()));
      if (found !== undefined) return found;
    }
  }

  #array(path: string): RepeatedKey | undefined {
    this.#at++; // [
    for (let index = 0; ; index++) {
      this.#skipSpace();
      if (this.text[this.#at] === "]") {
        this.#at++;
        return undefined;
      }
      if (this.text[this.#at] === ",") this.#at++;
      const found = this.value(`${path}[${index}]`, false);
      if (found !== undefined) return found;
    }
  }

  // Returns the decoded string; JSON.parse of the slice handles every escape.
  #string(): string {
    const start = this.#at;
    this.#at++; // opening quote
    while (this.#at < this.text.length) {
      const char = this.text.charCodeAt(this.#at++);
      if (char === 0x5c) this.#at++;
      else if (char === 0x22) break;
    }
    return JSON.parse(this.text.slice(start, this.#at)) as string;
  }

  #scalar(): void {
    while (this.#at < this.text.length && !SCALAR_END.has(this.text.charCodeAt(this.#at))) this.#at++;
  }

  #skipSpace(): void {
    while (this.#at < this.text.length && JSON_SPACE.has(this.text.charCodeAt(this.#at))) this.#at++;
  }
}
