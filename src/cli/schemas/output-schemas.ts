import type { z } from "zod";
import { configSchema } from "../../config/config-schema.js";
import { lockfileSchema } from "../../lockfile/lockfile-schema.js";
import { errorDocumentSchema } from "./shared-schemas.js";
import {
  cacheListSchema,
  cachePruneSchema,
  cacheVerifySchema,
  checkSchema,
  diagnoseSchema,
  digestDocumentSchema,
  inspectSchema,
  pinSchema,
  tagsSchema,
  verifySchema,
} from "./report-schemas.js";
import { syncSchema } from "./sync-schema.js";

/**
 * Every document digestguard prints or reads, by the file name its JSON
 * Schema has in `schemas/` (`<name>.schema.json`, written by
 * `npm run schemas`). The zod schemas are the source; tests validate real
 * command output with them and check the files are up to date.
 *
 * @example
 * ```ts
 * DOCUMENT_SCHEMAS["verify"].parse(JSON.parse(stdout));
 * ```
 */
export const DOCUMENT_SCHEMAS: Record<string, z.ZodType> = {
  error: errorDocumentSchema,
  inspect: inspectSchema,
  digest: digestDocumentSchema,
  tags: tagsSchema,
  verify: verifySchema,
  check: checkSchema,
  pin: pinSchema,
  diagnose: diagnoseSchema,
  "cache-ls": cacheListSchema,
  "cache-verify": cacheVerifySchema,
  "cache-prune": cachePruneSchema,
  sync: syncSchema,
  "digestguard-yaml": configSchema,
  "digestguard-lock": lockfileSchema,
};
