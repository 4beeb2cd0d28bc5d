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

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ECONNRESET",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
]);

// The driver's own failures carry no code: a connect that timed out, a connection that died under a query.
const DRIVER_UNREACHABLE =
  /^(timeout expired|timeout exceeded when trying to connect|Connection terminated|Query read timeout)/;

/**
 * Lock, serialization and deadlock conflicts; a statement, lock or idle
 * transaction past its time limit; a server out of connection slots (more
 * workers × pool size than its max_connections).
 */
const BUSY = /^(40001|40P01|55P03|57014|25P03|53300)$/;

function unreachable(code: unknown, message: string): boolean {
  if (typeof code === "string") return UNREACHABLE.has(code) || code.startsWith("08");
  return DRIVER_UNREACHABLE.test(message);
}

/**
 * Turn a PostgreSQL failure into a DigestguardError that says what to do:
 * a server out of reach (or silent past the connect timeout) is
 * HISTORY_UNAVAILABLE (temporary), a lock or serialization conflict or a
 * time limit reached HISTORY_BUSY, anything else IO. `where` must
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
  if (unreachable(code, message)) {
    return new DigestguardError(
      "HISTORY_UNAVAILABLE",
      `Cannot ${doing} in history ${where}: the database server is not reachable (${message}); check that PostgreSQL runs and database.url is right.`,
      { temporary: true, cause: error },
    );
  }
  if (typeof code === "string" && BUSY.test(code)) {
    return new DigestguardError(
      "HISTORY_BUSY",
      `Cannot ${doing} in history ${where}: the database is busy (a conflicting lock, a time limit or its connection limit: ${message}); try again.`,
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
