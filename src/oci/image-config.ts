import { z } from "zod";
import { DigestguardError } from "../errors/error.js";
import type { Digest } from "./digest.js";
import { decodeJsonObject, schemaError } from "./manifest-json.js";
import { digestSchema, jsonString, stringArray, stringMap } from "./manifest-schema.js";

/**
 * The largest image config digestguard reads (8 MiB). Configs are usually a
 * few KiB, but long histories and big label sets make rare ones larger than
 * the 4 MiB manifest limit.
 */
export const MAX_IMAGE_CONFIG_BYTES = 8 * 1024 * 1024;

/** One build step in an image config's history. */
export interface ImageHistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The runtime defaults an image config carries (a subset; other fields are dropped). */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

/** An OCI image config (or Docker container image v1 config), validated. */
export interface ImageConfig {
  architecture: string;
  os: string;
  "os.version"?: string;
  "os.features"?: string[];
  variant?: string;
  created?: string;
  author?: string;
  config?: ImageRuntimeConfig;
  rootfs: { type: "layers"; diff_ids: Digest[] };
  history?: ImageHistoryEntry[];
}

// Docker writes `null` for unset fields ("Cmd": null); read those as absent
// so a result never holds keys whose value is undefined.
function dropNullFields(keys: readonly string[]) {
  return (value: unknown): unknown => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    const entries = Object.entries(value).filter(([key, field]) => !(field === null && keys.includes(key)));
    return Object.fromEntries(entries);
  };
}

const objectMap = () =>
  z.record(z.string(), z.object({}, { error: "must be an object" }), { error: "must be an object of objects" });

const runtimeFields = {
  User: jsonString().optional(),
  ExposedPorts: objectMap().optional(),
  Env: stringArray().optional(),
  Entrypoint: stringArray().optional(),
  Cmd: stringArray().optional(),
  Volumes: objectMap().optional(),
  WorkingDir: jsonString().optional(),
  Labels: stringMap().optional(),
  StopSignal: jsonString().optional(),
};
const runtimeConfigSchema = z.preprocess(
  dropNullFields(Object.keys(runtimeFields)),
  z.object(runtimeFields, { error: "must be an object" }),
);

const historySchema = z.object(
  {
    created: jsonString().optional(),
    created_by: jsonString().optional(),
    author: jsonString().optional(),
    comment: jsonString().optional(),
    empty_layer: z.boolean({ error: "must be a boolean" }).optional(),
  },
  { error: "must be an object" },
);

const imageConfigSchema = z.preprocess(
  dropNullFields(["config", "history"]),
  z.object({
    architecture: jsonString(),
    os: jsonString(),
    "os.version": jsonString().optional(),
    "os.features": stringArray().optional(),
    variant: jsonString().optional(),
    created: jsonString().optional(),
    author: jsonString().optional(),
    config: runtimeConfigSchema.optional(),
    rootfs: z.object(
      {
        type: z.literal("layers", {
          error: (issue) =>
            issue.input === undefined ? "is required" : `must be "layers", got ${JSON.stringify(issue.input)}`,
        }),
        diff_ids: z.array(digestSchema, { error: "must be an array of digests" }),
      },
      { error: (issue) => (issue.input === undefined ? "is required" : "must be an object") },
    ),
    history: z.array(historySchema, { error: "must be an array" }).optional(),
  }),
);

/**
 * Parse and validate image config bytes: `architecture` and `os` are
 * required, `rootfs.type` must be `layers` and every `rootfs.diff_ids` entry
 * must be a valid digest (these are what layer verification compares
 * against). Unknown fields are ignored, as the image spec asks. Throws
 * `MANIFEST_TOO_LARGE` over {@link MAX_IMAGE_CONFIG_BYTES} and
 * `MANIFEST_INVALID` ("Cannot parse image config: …", naming the JSON path).
 *
 * @example
 * ```ts
 * const config = parseImageConfig(configBytes);
 * console.log(`${config.os}/${config.architecture}`, config.rootfs.diff_ids.length, "layers");
 * ```
 */
export function parseImageConfig(bytes: Uint8Array): ImageConfig {
  if (bytes.length > MAX_IMAGE_CONFIG_BYTES) {
    throw new DigestguardError(
      "MANIFEST_TOO_LARGE",
      `Cannot parse image config: it is ${bytes.length} bytes, over the ${MAX_IMAGE_CONFIG_BYTES}-byte (8 MiB) limit; ` +
        "check that the manifest's config descriptor points at an image config.",
      { details: { size: bytes.length, limit: MAX_IMAGE_CONFIG_BYTES } },
    );
  }
  const body = decodeJsonObject(bytes, "image config");
  const result = imageConfigSchema.safeParse(body);
  if (!result.success) throw schemaError("image config", result.error);
  return result.data;
}
