import { isMap, isSeq, parseAllDocuments, visit, type Document } from "yaml";
import type { FoundReference } from "./found-reference.js";
import { keyText, mapValue, resolveNode } from "./yaml-nodes.js";
import { yamlReference } from "./yaml-references.js";

const CONTAINER_LISTS = new Set(["containers", "initContainers", "ephemeralContainers"]);

/**
 * Find the `image:` of every container, init container and ephemeral
 * container in a Kubernetes manifest, at any depth (Pods, Deployments,
 * CronJob templates, Lists, custom resources) and in every document of a
 * multi-document file. Documents without `apiVersion` and `kind`, and
 * documents that are not valid YAML (Helm templates), are not manifests and
 * are skipped rather than guessed at.
 *
 * @example
 * ```ts
 * findKubernetesReferences("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx:1.25\n", "pod.yaml");
 * // [{ kind: "kubernetes-image", line: 5, written: "nginx:1.25", … }]
 * ```
 */
export function findKubernetesReferences(text: string, file: string): FoundReference[] {
  const found: FoundReference[] = [];
  const seen = new Set<unknown>();
  for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
    if (doc.errors.length > 0 || !isManifest(doc)) continue;
    visit(doc, {
      Pair: (_, pair) => {
        const name = keyText(pair.key);
        const list = resolveNode(doc, pair.value);
        if (name === undefined || !CONTAINER_LISTS.has(name) || !isSeq(list)) return;
        for (const container of list.items) {
          const image = mapValue(doc, container, "image");
          if (image === undefined || seen.has(image)) continue;
          seen.add(image);
          const reference = yamlReference(text, file, image, { kind: "kubernetes-image", interpolation: "none" });
          if (reference !== undefined) found.push(reference);
        }
      },
    });
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * Whether a YAML document is a Kubernetes object: a mapping with both
 * `apiVersion` and `kind`.
 *
 * @example
 * ```ts
 * isManifest(parseDocument("apiVersion: v1\nkind: Pod\n")); // true
 * ```
 */
export function isManifest(doc: Document): boolean {
  const contents = doc.contents;
  if (!isMap(contents)) return false;
  const keys = new Set(contents.items.map((pair) => keyText(pair.key)));
  return keys.has("apiVersion") && keys.has("kind");
}
