import { spawn } from "node:child_process";
import type { NotifierSettings } from "../config/config-schema.js";
import { DigestguardError } from "../errors/error.js";
import { eventSummary, notificationBytes, signBody, type NotificationBody } from "./notification-body.js";

/** Sends one notification; resolves when the receiver took it, throws when it did not. */
export type Notifier = (body: NotificationBody, signal?: AbortSignal) => Promise<void>;

const SEND_TIMEOUT_MS = 15_000;

/**
 * A notifier from its settings: a signed generic webhook, a Slack-compatible
 * incoming webhook, or a command that reads the event JSON on stdin.
 *
 * @example
 * ```ts
 * const send = makeNotifier("ops", { type: "webhook", url: "http://127.0.0.1:9000/hook", secret: "s" });
 * await send({ schemaVersion: 1, deliveryId, event });
 * ```
 */
export function makeNotifier(name: string, settings: NotifierSettings, env: NodeJS.ProcessEnv = process.env): Notifier {
  if (settings.type === "command")
    return (body, signal) => runCommand(name, settings.command, notificationBytes(body), signal);
  if (settings.type === "slack")
    return (body, signal) =>
      post(name, settings.url, Buffer.from(JSON.stringify({ text: eventSummary(body.event) })), {}, signal);
  const secret = settings.secret ?? (settings.secretEnv !== undefined ? env[settings.secretEnv] : undefined);
  if (settings.secretEnv !== undefined && secret === undefined) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot set up notifier ${name}: the variable ${settings.secretEnv} named by secretEnv is not set; export it or remove secretEnv.`,
    );
  }
  return (body, signal) => {
    const bytes = notificationBytes(body);
    const headers: Record<string, string> = {
      "x-digestguard-delivery": body.deliveryId,
      "x-digestguard-event": body.event.kind,
    };
    if (secret !== undefined) headers["x-digestguard-signature"] = signBody(bytes, secret);
    return post(name, settings.url, bytes, headers, signal);
  };
}

async function post(
  name: string,
  url: string,
  bytes: Buffer,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<void> {
  const timeout = AbortSignal.timeout(SEND_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      body: bytes,
      redirect: "error",
      headers: { "content-type": "application/json", "user-agent": "digestguard-watch", ...headers },
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
  } catch (error) {
    throw new DigestguardError(
      "NOTIFY_FAILED",
      `Cannot notify ${name}: ${(error as Error).message}; the delivery stays in the outbox and is retried.`,
      { temporary: true, cause: error },
    );
  }
  await response.body?.cancel();
  if (!response.ok) {
    throw new DigestguardError(
      "NOTIFY_FAILED",
      `Cannot notify ${name}: the receiver answered HTTP ${response.status}; the delivery stays in the outbox and is retried.`,
      { temporary: true, details: { status: response.status } },
    );
  }
}

function runCommand(name: string, argv: string[], input: Buffer, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      stdio: ["pipe", "ignore", "pipe"],
      timeout: SEND_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-500)));
    child.stdin.on("error", () => {});
    child.stdin.end(input);
    child.on("error", (error) =>
      reject(
        new DigestguardError("NOTIFY_FAILED", `Cannot notify ${name}: ${error.message}; check the command.`, {
          temporary: true,
          cause: error,
        }),
      ),
    );
    child.on("close", (code) => {
      if (code === 0) resolve();
      else
        reject(
          new DigestguardError(
            "NOTIFY_FAILED",
            `Cannot notify ${name}: the command exited ${code}${stderr.trim() === "" ? "" : ` (${stderr.trim()})`}; the delivery is retried.`,
            { temporary: true },
          ),
        );
    });
  });
}
