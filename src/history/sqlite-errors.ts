import { DigestguardError } from "../errors/error.js";

/**
 * Turn a SQLite failure into a DigestguardError that says what to do: a busy
 * or locked database is HISTORY_BUSY (another process holds it), a damaged
 * file HISTORY_INVALID. Never a silent reset.
 *
 * @example
 * ```ts
 * try { db.exec(sql); } catch (e) { throw historyError(e, "record a check", path); }
 * ```
 */
export function historyError(error: unknown, doing: string, path: string): Error {
  if (error instanceof DigestguardError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message;
  if (typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new DigestguardError(
      "HISTORY_BUSY",
      `Cannot ${doing} in history ${path}: the database is locked by another process (${message}); stop the other digestguard watch or use another --db.`,
      { temporary: true, cause: error },
    );
  }
  if (typeof code === "string" && /^SQLITE_(NOTADB|CORRUPT)/.test(code)) {
    return new DigestguardError(
      "HISTORY_INVALID",
      `Cannot ${doing} in history ${path}: the file is not a readable SQLite database (${message}); move it aside to keep it, then start again to create a new one.`,
      { cause: error },
    );
  }
  if (typeof code === "string" && code.startsWith("SQLITE_")) {
    return new DigestguardError("IO", `Cannot ${doing} in history ${path}: ${message}.`, { cause: error });
  }
  return error as Error;
}
