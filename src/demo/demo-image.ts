import type { ImageSpec } from "../imagebuild/image.js";

const osRelease = (arch: string, version: string): string =>
  `NAME="digestguard demo"\nID=demo\nVERSION_ID=${version}\nARCH=${arch}\n`;

/**
 * The demo's base image: two platforms, two layers each — an "os" layer and
 * an "app" layer — small enough to build in milliseconds. `version` "1.1"
 * is the simulated upstream update: the amd64 os layer changes, arm64 stays.
 */
export function demoImageSpec(version: "1.0" | "1.1" = "1.0"): ImageSpec {
  return {
    flavour: "oci",
    annotations: { "org.opencontainers.image.title": "digestguard demo base" },
    platforms: ["amd64", "arm64"].map((architecture) => ({
      os: "linux",
      architecture,
      ...(architecture === "arm64" ? { variant: "v8" } : {}),
      layers: [
        [
          { path: "etc/os-release", content: osRelease(architecture, architecture === "amd64" ? version : "1.0") },
          { path: "bin/hello", content: "#!/bin/sh\necho hello from digestguard\n", mode: 0o755 },
        ],
        [{ path: "app/README", content: "Pinned by digest, verified byte for byte.\n" }],
      ],
    })),
  };
}

/** The demo project's Dockerfile: a multi-stage build on the demo base. */
export const DEMO_DOCKERFILE = `# A small service built on the demo base image.
ARG BASE=demo.local/demo/base:1.0

FROM demo.local/demo/base:1.0 AS build
RUN echo building

FROM \${BASE}
COPY --from=build /app /app
CMD ["/bin/hello"]
`;

/** The demo project's compose file. */
export const DEMO_COMPOSE = `services:
  web:
    build: .
  cache:
    image: demo.local/demo/base:1.0   # the same base, run as a sidecar
`;
