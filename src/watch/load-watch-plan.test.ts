import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tempFolders } from "../../test/support/temp-folders.js";
import { isCode } from "../errors/predicates.js";
import { historyLocationFor } from "./load-watch-plan.js";

const tempFolder = tempFolders("history-location");
const PG = "postgres://dg:pw@db.internal/dg";

describe("historyLocationFor", () => {
  it("keeps SQLite when nothing names PostgreSQL", async () => {
    const dir = await tempFolder();
    await writeFile(join(dir, "digestguard.yaml"), "version: 1\nwatch:\n  version: 1\n  database: h.sqlite\n");
    assert.deepEqual(await historyLocationFor({ configPath: join(dir, "digestguard.yaml"), env: {} }), {
      backend: "sqlite",
      path: join(dir, "h.sqlite"),
    });
  });

  it("takes database.url from the config, DIGESTGUARD_DATABASE_URL over it, and --db over both", async () => {
    const dir = await tempFolder();
    const configPath = join(dir, "digestguard.yaml");
    await writeFile(configPath, `version: 1\ndatabase: { url: "${PG}" }\n`);
    assert.deepEqual(await historyLocationFor({ configPath, env: {} }), { backend: "postgres", url: PG });
    const fromEnv = "postgresql://env@db/dg";
    assert.deepEqual(await historyLocationFor({ configPath, env: { DIGESTGUARD_DATABASE_URL: fromEnv } }), {
      backend: "postgres",
      url: fromEnv,
    });
    assert.deepEqual(
      await historyLocationFor({ db: "x.sqlite", configPath, env: { DIGESTGUARD_DATABASE_URL: fromEnv } }),
      {
        backend: "sqlite",
        path: join(process.cwd(), "x.sqlite"),
      },
    );
  });

  it("takes a postgres:// URL in watch.database as the database, never as a SQLite path holding its password", async () => {
    const dir = await tempFolder();
    const configPath = join(dir, "digestguard.yaml");
    await writeFile(configPath, `version: 1\nwatch:\n  version: 1\n  database: "${PG}"\n`);
    assert.deepEqual(await historyLocationFor({ configPath, env: {} }), { backend: "postgres", url: PG });
    const fromEnv = "postgresql://env@db/dg";
    assert.deepEqual(await historyLocationFor({ configPath, env: { DIGESTGUARD_DATABASE_URL: fromEnv } }), {
      backend: "postgres",
      url: fromEnv,
    });
  });

  it("refuses a DIGESTGUARD_DATABASE_URL or database.url that is not PostgreSQL", async () => {
    await assert.rejects(historyLocationFor({ env: { DIGESTGUARD_DATABASE_URL: "mysql://db/dg" } }), (e) =>
      isCode(e, "USAGE"),
    );
    const dir = await tempFolder();
    await writeFile(join(dir, "digestguard.yaml"), 'version: 1\ndatabase: { url: "mysql://db/dg" }\n');
    await assert.rejects(historyLocationFor({ configPath: join(dir, "digestguard.yaml"), env: {} }), (e) =>
      isCode(e, "CONFIG_INVALID"),
    );
  });
});
