#!/usr/bin/env node
// Writes schemas/<name>.schema.json from the zod document schemas in
// src/cli/schemas/ (run after `npm run build`; `npm run schemas` does both).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { SCHEMA_NAMES, jsonSchemaFile } = await import(join(root, "dist/src/cli/schemas/json-schema-files.js"));
mkdirSync(join(root, "schemas"), { recursive: true });
for (const name of SCHEMA_NAMES) writeFileSync(join(root, "schemas", `${name}.schema.json`), jsonSchemaFile(name));
console.log(`wrote ${SCHEMA_NAMES.length} schemas to schemas/`);
