/** Media types of the OCI image spec and the Docker distribution formats digestguard reads. */
export const MediaType = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerTar: "application/vnd.oci.image.layer.v1.tar",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
  dockerSchema1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

/** Manifest media types that list other manifests. */
export const INDEX_MEDIA_TYPES: readonly string[] = [MediaType.ociIndex, MediaType.dockerManifestList];

/** Manifest media types that describe one image (config + layers). */
export const IMAGE_MEDIA_TYPES: readonly string[] = [MediaType.ociManifest, MediaType.dockerManifest];

/** Docker schema 1 media types: recognised only to refuse them clearly. */
export const SCHEMA1_MEDIA_TYPES: readonly string[] = [MediaType.dockerSchema1, MediaType.dockerSchema1Signed];

/**
 * The `Accept` header digestguard sends for manifests: every format it can
 * parse. Schema 1 is deliberately absent so registries convert or refuse.
 */
export const MANIFEST_ACCEPT: string = [...INDEX_MEDIA_TYPES, ...IMAGE_MEDIA_TYPES].join(", ");

/** Whether a media type names a manifest (index or image) rather than a blob. */
export function isManifestMediaType(mediaType: string): boolean {
  return INDEX_MEDIA_TYPES.includes(mediaType) || IMAGE_MEDIA_TYPES.includes(mediaType);
}
