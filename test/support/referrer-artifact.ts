import type { Descriptor } from "../../src/oci/descriptor.js";
import { digestOf } from "../../src/oci/digest.js";
import type { RegistryClient } from "../../src/registry/registry-client.js";

const EMPTY = new TextEncoder().encode("{}");

/**
 * Push an OCI artifact that refers to `subject` (a signature, an SBOM): an
 * empty config, one layer holding `payload`, `artifactType` and `subject` set.
 * Pushed by digest, as signing tools do; returns its descriptor.
 *
 * @example
 * ```ts
 * const signature = await pushReferrer(client, repo, image, "application/vnd.example.sig", "signed");
 * ```
 */
export async function pushReferrer(
  client: RegistryClient,
  repo: { registry: string; repository: string },
  subject: Descriptor,
  artifactType: string,
  payload: string,
): Promise<Descriptor & { artifactType: string }> {
  const layerBytes = new TextEncoder().encode(payload);
  const config = { mediaType: "application/vnd.oci.empty.v1+json", digest: digestOf(EMPTY), size: EMPTY.length };
  const layer = { mediaType: "application/octet-stream", digest: digestOf(layerBytes), size: layerBytes.length };
  await client.pushBlob(repo, config, EMPTY);
  await client.pushBlob(repo, layer, layerBytes);
  const manifest = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    artifactType,
    config,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { "org.example.payload": payload },
  };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  const pushed = await client.pushManifest(repo, bytes, manifest.mediaType);
  return { ...pushed, artifactType };
}
