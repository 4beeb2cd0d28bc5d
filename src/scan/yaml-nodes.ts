import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap } from "yaml";
import { DigestguardError } from "../errors/error.js";

/**
 * Parse one YAML document, keeping node ranges so references can be rewritten
 * in place (the document is never serialised again). Throws `USAGE` naming
 * the file when it is not valid YAML.
 *
 * @example
 * ```ts
 * const doc = parseYamlDocument("services: {}\n", "compose.yaml");
 * ```
 */
export function parseYamlDocument(text: string, file: string): Document {
  // Compose files commonly share settings through "<<" merge keys and anchors.
  const doc = parseDocument(text, { merge: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error !== undefined)
    throw new DigestguardError("USAGE", `Cannot read ${file}: it is not valid YAML: ${error.message}`);
  return doc;
}

/**
 * The node an alias points at (or the node itself), so `image: *img` is found
 * where `&img` wrote it.
 *
 * @example
 * ```ts
 * resolveNode(doc, aliasNode); // the anchored Scalar
 * ```
 */
export function resolveNode(doc: Document, node: unknown): Node | undefined {
  const seen = new Set<unknown>();
  let current = node;
  while (isAlias(current) && !seen.has(current)) {
    seen.add(current);
    current = current.resolve(doc);
  }
  return isAlias(current) || current === null || current === undefined ? undefined : (current as Node);
}

/**
 * The value node of `key` in a mapping (aliases followed), looking through
 * `<<` merge keys when the mapping has no such key itself: an explicit key
 * wins, and among merged mappings the first listed wins, as YAML 1.1 says.
 *
 * @example
 * ```ts
 * mapValue(doc, serviceNode, "image"); // the image Scalar, possibly inside an anchored mapping
 * ```
 */
export function mapValue(doc: Document, map: unknown, key: string, depth = 0): Node | undefined {
  const resolved = resolveNode(doc, map);
  if (!isMap(resolved) || depth > 20) return undefined;
  const own = resolved.items.find((pair) => keyText(pair.key) === key);
  if (own !== undefined) return resolveNode(doc, own.value);
  for (const source of mergeSources(resolved)) {
    const merged = mapValue(doc, source, key, depth + 1);
    if (merged !== undefined) return merged;
  }
  return undefined;
}

/**
 * The mapping's entries as [key, value node] pairs, aliases followed.
 *
 * @example
 * ```ts
 * for (const [name, service] of mapEntries(doc, doc.get("services", true))) { … }
 * ```
 */
export function mapEntries(doc: Document, map: unknown): [string, Node | undefined][] {
  const resolved = resolveNode(doc, map);
  if (!isMap(resolved)) return [];
  return resolved.items
    .filter((pair) => keyText(pair.key) !== "<<")
    .map((pair): [string, Node | undefined] => [keyText(pair.key) ?? "", resolveNode(doc, pair.value)]);
}

/**
 * The text of a scalar key, or undefined for complex keys.
 *
 * @example
 * ```ts
 * keyText(pair.key); // "image"
 * ```
 */
export function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function mergeSources(map: YAMLMap): unknown[] {
  const merge = map.items.find((pair) => keyText(pair.key) === "<<")?.value;
  if (merge === undefined) return [];
  return isSeq(merge) ? merge.items : [merge];
}
