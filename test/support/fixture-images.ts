import { buildImage, type BuiltImage, type ImageSpec } from "../../src/imagebuild/image.js";

const layer = (name: string, arch: string) => [{ path: `etc/${name}`, content: `${name} for ${arch}\n` }];

/** The images most tests push: one per manifest format the client must read. */
export interface FixtureImages {
  ociIndex: BuiltImage;
  ociSingle: BuiltImage;
  dockerList: BuiltImage;
  dockerSingle: BuiltImage;
}

function spec(flavour: ImageSpec["flavour"], arches: string[], seed: string): ImageSpec {
  return {
    flavour,
    platforms: arches.map((arch) => ({
      os: "linux",
      architecture: arch.split("/")[0] as string,
      ...(arch.includes("/") ? { variant: arch.split("/")[1] as string } : {}),
      layers: [layer(`${seed}-base`, arch), layer(`${seed}-app`, arch)],
    })),
  };
}

/**
 * Build the standard fixture set (deterministic: same digests every run).
 *
 * @example
 * ```ts
 * const images = await buildFixtureImages("t1");
 * ```
 */
export async function buildFixtureImages(seed = "fixture"): Promise<FixtureImages> {
  const [ociIndex, ociSingle, dockerList, dockerSingle] = await Promise.all([
    buildImage(spec("oci", ["amd64", "arm64/v8", "arm/v7"], `${seed}-oci-index`)),
    buildImage(spec("oci", ["amd64"], `${seed}-oci-single`)),
    buildImage(spec("docker", ["amd64", "arm64/v8"], `${seed}-docker-list`)),
    buildImage(spec("docker", ["amd64"], `${seed}-docker-single`)),
  ]);
  return { ociIndex, ociSingle, dockerList, dockerSingle };
}
