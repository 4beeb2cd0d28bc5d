import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import { postgresError, redactUrl } from "./postgres-errors.js";

const failure = (code: string | undefined, message: string) => Object.assign(new Error(message), { code });

describe("postgresError", () => {
  it("tells a server out of connection slots (more workers than max_connections) as busy, to try again", () => {
    const error = postgresError(
      failure("53300", "sorry, too many clients already"),
      "claim checks",
      "postgres://db/dg",
    );
    assert.ok(error instanceof DigestguardError);
    assert.equal(error.code, "HISTORY_BUSY");
    assert.equal(error.temporary, true);
  });

  it("tells a connect that timed out, or a connection that died under a query, as unavailable", () => {
    for (const message of ["Connection terminated due to connection timeout", "Connection terminated unexpectedly"]) {
      const error = postgresError(failure(undefined, message), "read events", "postgres://db/dg");
      assert.equal((error as DigestguardError).code, "HISTORY_UNAVAILABLE", message);
    }
  });
});

describe("redactUrl", () => {
  it("hides a password in the user part, percent-encoded or not, and in the query", () => {
    assert.equal(redactUrl("postgresql://dg:p%40ss%2Fw@db:5432/dg"), "postgresql://dg:***@db:5432/dg");
    assert.equal(
      redactUrl("postgres://dg@db/dg?password=s3cret&sslmode=require"),
      "postgres://dg@db/dg?password=***&sslmode=require",
    );
    assert.doesNotMatch(redactUrl("postgres://dg:a b@db:99999/dg"), /a b|a%20b/);
  });
});
