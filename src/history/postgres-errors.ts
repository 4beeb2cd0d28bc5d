import { DigestguardError } from "../errors/error.js";

/**
 * A PostgreSQL URL fit for messages and logs: the password replaced by `***`.
 *
 * @example
 * ```ts
 * redactUrl("postgres://dg:s3cret@db:5432/dg"); // "postgres://dg:***@db:5432/dg"
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    for (const key of ["password", "sslpassword"])
      if (parsed.searchParams.has(key)) parsed.searchParams.set(key, "***");
    return parsed.toString();
  } catch {
    // Not a URL we can parse: show none of it rather than risk a password.
    return "postgres://(unparsable URL)";
  }
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOENT", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "57P01", "57P03"]);

/**
 * Turn a PostgreSQL failure into a DigestguardError that says what to do:
 * a server out of reach is HISTORY_UNAVAILABLE (temporary), a lock or
 * serialization conflict HISTORY_BUSY, anything else IO. `where` must
 * already be redacted; the driver's own message never carries the URL.
 *
 * @example
 * ```ts
 * try { await pool.query(sql); } catch (e) { throw postgresError(e, "record a check", redactUrl(url)); }
 * ```
 */
export function postgresError(error: unknown, doing: string, where: string): Error {
  if (error instanceof DigestguardError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message;
  if (typeof code === "string" && UNREACHABLE.has(code)) {
    return new DigestguardError(
      "HISTORY_UNAVAILABLE",
      `Cannot ${doing} in history ${where}: the database server is not reachable (${message}); check that PostgreSQL runs and database.url is right.`,
      { temporary: true, cause: error },
    );
  }
  if (typeof code === "string" && /^(40001|40P01|55P03)$/.test(code)) {
    return new DigestguardError(
      "HISTORY_BUSY",
      `Cannot ${doing} in history ${where}: a conflicting transaction held it (${message}); try again.`,
      { temporary: true, cause: error },
    );
  }
  if (typeof code === "string" && /^(28|3D|42)/.test(code)) {
    return new DigestguardError(
      "HISTORY_INVALID",
      `Cannot ${doing} in history ${where}: ${message}; check database.url's user, password and database name, and run \`dg db migrate\`.`,
      { cause: error },
    );
  }
  return new DigestguardError("IO", `Cannot ${doing} in history ${where}: ${message}.`, { cause: error });
}
