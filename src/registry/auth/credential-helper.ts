import { execFile } from "node:child_process";
import { DigestguardError } from "../../errors/error.js";
import type { Credentials } from "./credential.js";

/**
 * Ask a `docker-credential-<helper>` program for the credentials of one
 * server, as docker does: the server URL on stdin, JSON on stdout. A helper
 * that knows nothing of the server yields undefined; the secret is never
 * put into an error message.
 *
 * @example
 * ```ts
 * const creds = await credentialsFromHelper("pass", "ghcr.io");
 * ```
 */
export async function credentialsFromHelper(
  helper: string,
  serverUrl: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<Credentials | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    throw new DigestguardError(
      "CREDENTIALS_ERROR",
      `Cannot use credential helper "${helper}": the name has characters a program name cannot have.`,
    );
  }
  const program = `docker-credential-${helper}`;
  const { stdout, failure } = await runHelper(program, serverUrl, options);
  if (failure !== undefined) {
    if (/credentials not found/i.test(failure)) return undefined;
    throw new DigestguardError(
      "CREDENTIALS_ERROR",
      `Cannot get credentials for ${serverUrl} from ${program}: ${failure}`,
    );
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new DigestguardError(
      "CREDENTIALS_ERROR",
      `Cannot get credentials for ${serverUrl} from ${program}: its output is not JSON.`,
    );
  }
  if (typeof parsed.Secret !== "string" || parsed.Secret === "") return undefined;
  const username = typeof parsed.Username === "string" ? parsed.Username : "";
  // docker-credential helpers report identity (refresh) tokens with the username "<token>".
  return username === "<token>" ? { identityToken: parsed.Secret } : { username, password: parsed.Secret };
}

function runHelper(
  program: string,
  serverUrl: string,
  options: { signal?: AbortSignal; timeoutMs?: number },
): Promise<{ stdout: string; failure?: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      program,
      ["get"],
      { timeout: options.timeoutMs ?? 15_000, signal: options.signal, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ stdout });
        const reason =
          (error as NodeJS.ErrnoException).code === "ENOENT"
            ? `${program} is not installed or not on PATH`
            : (helperFailureText(stdout, stderr) ?? error.message);
        resolve({ stdout: "", failure: reason });
      },
    );
    child.stdin?.end(serverUrl);
  });
}

// docker-credential-helpers report errors on stdout; quote what they said
// unless it looks like it could hold a secret (a JSON payload).
function helperFailureText(stdout: string, stderr: string): string | undefined {
  const text = (stderr.trim() || stdout.trim()).slice(0, 200);
  if (text === "" || /secret|password|token|[{}]/i.test(text)) return undefined;
  return text;
}
