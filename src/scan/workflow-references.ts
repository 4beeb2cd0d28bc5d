import { isMap, type Document, type Node } from "yaml";
import type { FoundReference, ReferenceKind } from "./found-reference.js";
import { mapEntries, mapValue, parseYamlDocument } from "./yaml-nodes.js";
import { yamlReference } from "./yaml-references.js";

/**
 * Find the images of a GitHub Actions workflow: each job's `container`
 * (a string, or a mapping with `image`) and each of its `services` (same
 * two forms). An image computed by an expression (`${{ matrix.image }}`)
 * is reported as unpinnable. Throws `USAGE` when the file is not valid YAML.
 *
 * @example
 * ```ts
 * findWorkflowReferences("jobs:\n  test:\n    container: node:20\n", ".github/workflows/ci.yml");
 * // [{ kind: "workflow-container", line: 3, written: "node:20", resolved: "node:20", … }]
 * ```
 */
export function findWorkflowReferences(text: string, file: string): FoundReference[] {
  const doc = parseYamlDocument(text, file);
  const found: FoundReference[] = [];
  for (const [, job] of mapEntries(doc, doc.get("jobs", true))) {
    const container = mapValue(doc, job, "container");
    found.push(...imageOf(text, file, doc, container, "workflow-container"));
    for (const [, service] of mapEntries(doc, mapValue(doc, job, "services"))) {
      found.push(...imageOf(text, file, doc, service, "workflow-service"));
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function imageOf(
  text: string,
  file: string,
  doc: Document,
  node: Node | undefined,
  kind: ReferenceKind,
): FoundReference[] {
  const image = isMap(node) ? mapValue(doc, node, "image") : node;
  const reference = yamlReference(text, file, image, {
    kind,
    interpolation: "none",
    notAnImage: (value) => (value.includes("${{") ? "set by a workflow expression (${{ … }})" : undefined),
  });
  return reference === undefined ? [] : [reference];
}
