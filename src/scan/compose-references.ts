import { foundReference, type FoundReference } from "./found-reference.js";
import { mapEntries, mapValue, parseYamlDocument } from "./yaml-nodes.js";
import { yamlReference } from "./yaml-references.js";

const OUTPUT_NAME = "the name of the image this service builds (output of build:), not a base image: left as is";

/**
 * Find the `image:` of every service in a compose file, following anchors,
 * aliases and `<<` merge keys to where the image is actually written (an
 * image shared through an anchor is reported once). `${VAR:-default}` is
 * interpolated with no environment; when the whole image is one such
 * variable the pin goes into its default. Services that only `build:` have
 * no image and are skipped; an `image:` beside `build:` names the output and
 * is reported as unpinnable. Throws `USAGE` when the file is not valid YAML.
 *
 * @example
 * ```ts
 * findComposeReferences("services:\n  web:\n    image: nginx:1.25\n", "compose.yaml");
 * // [{ kind: "compose-image", line: 3, written: "nginx:1.25", resolved: "nginx:1.25", … }]
 * ```
 */
export function findComposeReferences(text: string, file: string): FoundReference[] {
  const doc = parseYamlDocument(text, file);
  const seen = new Set<unknown>();
  const found: FoundReference[] = [];
  for (const [, service] of mapEntries(doc, doc.get("services", true))) {
    const image = mapValue(doc, service, "image");
    if (image === undefined || seen.has(image)) continue;
    seen.add(image);
    const reference = yamlReference(text, file, image, { kind: "compose-image", interpolation: "compose" });
    if (reference === undefined) continue;
    // With `build:` beside it, `image:` names what compose builds, not what it pulls.
    const built = mapValue(doc, service, "build") !== undefined;
    found.push(
      built
        ? foundReference(text, file, reference.start, reference.end, { kind: "compose-image", unpinnable: OUTPUT_NAME })
        : reference,
    );
  }
  return found.sort((a, b) => a.start - b.start);
}
