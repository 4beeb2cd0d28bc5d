import { z } from "zod";
import { DOCUMENT_SCHEMAS } from "./output-schemas.js";

/**
 * The text of `schemas/<name>.schema.json`: the JSON Schema (draft 2020-12)
 * zod derives from the document's schema, with an `$id` and a title. One
 * source, so the published schemas cannot drift from what tests validate.
 *
 * @example
 * ```ts
 * await writeFile("schemas/verify.schema.json", jsonSchemaFile("verify"));
 * ```
 */
export function jsonSchemaFile(name: string): string {
  const schema = DOCUMENT_SCHEMAS[name];
  if (schema === undefined) throw new Error(`no document schema named ${name}`);
  const title = name.startsWith("digestguard-")
    ? name.replace("digestguard-", "digestguard.")
    : `digestguard ${name.replace("-", " ")} --json`;
  const body = z.toJSONSchema(schema, { target: "draft-2020-12", unrepresentable: "any" }) as Record<string, unknown>;
  const { $schema, ...rest } = body;
  const document = { $schema, $id: `urn:digestguard:schema:${name}:1`, title, ...rest };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Every schema file name under `schemas/`. */
export const SCHEMA_NAMES = Object.keys(DOCUMENT_SCHEMAS);
