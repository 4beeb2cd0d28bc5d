import { DigestguardError } from "../errors/error.js";
import { INDEX_MEDIA_TYPES, MediaType, SCHEMA1_MEDIA_TYPES, isManifestMediaType } from "./media-types.js";
import { describeJson, invalid } from "./manifest-json.js";

const DOCKER_MANIFEST_TYPES: readonly string[] = [MediaType.dockerManifestList, MediaType.dockerManifest];

/**
 * The media type named by a `Content-Type` header, if it is one digestguard
 * can act on: a manifest type or a schema 1 type. Parameters are dropped and
 * case is folded (media types are case-insensitive); generic types such as
 * `application/json` or `application/octet-stream`, which registries and
 * static file servers send for anything, carry no information and give
 * `undefined`.
 *
 * @example
 * ```ts
 * manifestContentType("application/vnd.oci.image.index.v1+json; charset=utf-8"); // the OCI index type
 * manifestContentType("application/json"); // undefined
 * ```
 */
export function manifestContentType(contentType: string | undefined): string | undefined {
  const bare = (contentType ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return isManifestMediaType(bare) || SCHEMA1_MEDIA_TYPES.includes(bare) ? bare : undefined;
}

/**
 * Refuse Docker image manifest schema 1, recognised by its media type (in
 * the header or the body) or by `schemaVersion: 1`.
 *
 * @example
 * ```ts
 * rejectSchema1(manifestContentType(response.headers.get("content-type") ?? undefined), body);
 * ```
 */
export function rejectSchema1(contentType: string | undefined, body?: Record<string, unknown>): void {
  const isSchema1 =
    (contentType !== undefined && SCHEMA1_MEDIA_TYPES.includes(contentType)) ||
    body?.["schemaVersion"] === 1 ||
    (typeof body?.["mediaType"] === "string" && SCHEMA1_MEDIA_TYPES.includes(body["mediaType"]));
  if (!isSchema1) return;
  throw new DigestguardError(
    "MANIFEST_UNSUPPORTED",
    "Cannot parse manifest: it is a Docker image manifest schema 1, which is deprecated and unsupported; " +
      "re-push the image with a current client (Docker 1.10+, buildah, skopeo or crane) to store it as " +
      "Docker v2 schema 2 or OCI.",
  );
}

/**
 * Decide a manifest's media type from its body and `Content-Type`, and check
 * that its shape (index vs image) agrees. The body's `mediaType` wins; a
 * manifest `Content-Type` that names another type is an error, since the two
 * must describe the same bytes. Without a body `mediaType`, the header is
 * used, else the shape decides between the OCI types. The Docker formats
 * always carry `mediaType` in the body, so one without it is malformed.
 *
 * @example
 * ```ts
 * resolveManifestMediaType({ schemaVersion: 2, manifests: [] }, undefined); // OCI index
 * ```
 */
export function resolveManifestMediaType(body: Record<string, unknown>, contentType: string | undefined): string {
  const declared = body["mediaType"];
  let mediaType: string;
  if (declared !== undefined) {
    if (typeof declared !== "string")
      throw invalid("manifest", `mediaType must be a string, got ${describeJson(declared)}`);
    if (contentType !== undefined && contentType !== declared) {
      throw invalid("manifest", `mediaType ${declared} disagrees with Content-Type ${contentType}`);
    }
    if (!isManifestMediaType(declared)) {
      throw new DigestguardError(
        "MANIFEST_UNSUPPORTED",
        `Cannot parse manifest: mediaType ${describeJson(declared)} is not an image index or image manifest type ` +
          "digestguard reads (OCI index or manifest, Docker manifest list or v2 schema 2).",
      );
    }
    mediaType = declared;
  } else if (contentType !== undefined) {
    if (DOCKER_MANIFEST_TYPES.includes(contentType)) {
      throw invalid("manifest", `mediaType is required in the body of a ${contentType} document`);
    }
    mediaType = contentType;
  } else {
    mediaType = inferMediaType(body);
  }
  checkShape(body, mediaType);
  return mediaType;
}

function inferMediaType(body: Record<string, unknown>): string {
  const hasManifests = "manifests" in body;
  const hasImageFields = "config" in body || "layers" in body;
  if (hasManifests && !hasImageFields) return MediaType.ociIndex;
  if (hasImageFields && !hasManifests) return MediaType.ociManifest;
  throw invalid(
    "manifest",
    hasManifests
      ? "it has no mediaType and both manifests and config/layers, so it is neither clearly an index nor an image manifest"
      : "it has no mediaType and neither manifests (index) nor config and layers (image manifest)",
  );
}

function checkShape(body: Record<string, unknown>, mediaType: string): void {
  const isIndex = INDEX_MEDIA_TYPES.includes(mediaType);
  const stray = isIndex ? ["config", "layers"].filter((key) => key in body) : "manifests" in body ? ["manifests"] : [];
  if (stray.length === 0) return;
  const kind = isIndex ? "an index" : "an image manifest";
  throw invalid(
    "manifest",
    `mediaType ${mediaType} makes it ${kind}, but it has ${stray.join(" and ")}, which ${kind} must not have`,
  );
}
