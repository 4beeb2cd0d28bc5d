import type { ImageSpec } from "../imagebuild/image.js";

const osRelease = (arch: string): string => `NAME="digestguard demo"\nID=demo\nVERSION_ID=1.0\nARCH=${arch}\n`;

/**
 * The demo's base image: two platforms, two layers each — a shared-looking
 * "os" layer and an "app" layer — small enough to build in milliseconds.
 */
export const DEMO_IMAGE_SPEC: ImageSpec = {
  flavour: "oci",
  annotations: { "org.opencontainers.image.title": "digestguard demo base" },
  platforms: ["amd64", "arm64"].map((architecture) => ({
    os: "linux",
    architecture,
    ...(architecture === "arm64" ? { variant: "v8" } : {}),
    layers: [
      [
        { path: "etc/os-release", content: osRelease(architecture) },
        { path: "bin/hello", content: "#!/bin/sh\necho hello from digestguard\n", mode: 0o755 },
      ],
      [{ path: "app/README", content: "Pinned by digest, verified byte for byte.\n" }],
    ],
  })),
};
