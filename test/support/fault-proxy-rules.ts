/** Which requests a {@link FaultRule} applies to; every given field must match. */
export interface FaultMatch {
  /** HTTP method, any case. */
  method?: string;
  /** `blob` = `/v2/<name>/blobs/<digest>` (not uploads), `manifest` = `/v2/<name>/manifests/<ref>`, `ping` = `/v2/`. */
  kind?: "blob" | "manifest" | "ping" | "any";
  /** Tested against the decoded path, without the query. */
  path?: RegExp;
  /** The digest named in the path (a blob, or a manifest addressed by digest). */
  digest?: string;
}

/**
 * One way of misbehaving. Faults that act on a body (all but `status`,
 * `lying-digest-header` and `redirect-other-origin`) only touch GET answers
 * the registry gave with 200 or 206; anything else passes through untouched
 * and does not use up the rule's `times`.
 */
export type Fault =
  /** The body with one byte XOR 0xff (default: the middle one; an offset past the end hits the last byte). */
  | { type: "flip-byte"; offset?: number }
  /** The original Content-Length, `keepBytes` of body, then a clean close (FIN): a server that stopped early. */
  | { type: "truncate"; keepBytes: number }
  /** Consistent headers (Content-Length = `keepBytes`) over a body cut short: a registry serving a truncated blob. */
  | { type: "short-body"; keepBytes: number }
  /** Status unchanged, Content-Length: 0. */
  | { type: "empty-body" }
  /** `bytes` of garbage appended, Content-Length adjusted. */
  | { type: "extra-bytes"; bytes: number }
  /** `afterBytes` of body, then a TCP reset. With `times: 1` the client's resuming Range request passes clean. */
  | { type: "reset-mid-body"; afterBytes: number }
  /** Answered by the proxy without asking the registry, e.g. 429 + `Retry-After: 1`, or 503 bursts with `times`. Body empty unless given. */
  | { type: "status"; status: number; retryAfter?: string; body?: string }
  /** `afterBytes` of body, then nothing while the socket stays open (until the client gives up or the proxy stops). */
  | { type: "stall-body"; afterBytes: number }
  /** Passed through with `Docker-Content-Digest` set to `digest`. */
  | { type: "lying-digest-header"; digest: string }
  /** 307 to the proxy's other origin, which serves the same path without needing the client's Authorization. */
  | { type: "redirect-other-origin" }
  /** Passed through with an absolute `Location` (an upload URL) moved to the proxy's other origin, query kept. */
  | { type: "foreign-location" }
  /** Other bytes served (a tag moved); Docker-Content-Digest and Etag, when sent, are recomputed so the headers stay consistent. */
  | { type: "replace-body"; body: Uint8Array; contentType?: string };

/** A fault and the requests it applies to. */
export interface FaultRule {
  match: FaultMatch;
  /** How many requests it applies to; unlimited when absent. */
  times?: number;
  fault: Fault;
}

/** The faults applied after the registry answered, to the body it sent. */
export type BodyFault = Exclude<
  Fault,
  { type: "status" | "lying-digest-header" | "redirect-other-origin" | "foreign-location" }
>;

/** Whether a fault acts on a response body (see {@link Fault}). */
export function isBodyFault(fault: Fault): fault is BodyFault {
  return (
    fault.type !== "status" &&
    fault.type !== "lying-digest-header" &&
    fault.type !== "redirect-other-origin" &&
    fault.type !== "foreign-location"
  );
}

/** What the proxy can tell about a request from its method and target. */
export interface RequestShape {
  method: string;
  /** Decoded path without the query. */
  path: string;
  kind: "blob" | "manifest" | "ping" | "other";
  digest?: string;
}

const BLOB_PATH = /^\/v2\/.+\/blobs\/([a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+)$/;
const MANIFEST_PATH = /^\/v2\/.+\/manifests\/([^/]+)$/;

/**
 * Classify a request for rule matching. Upload paths (`blobs/uploads/…`)
 * are "other": their last segments hold no `algorithm:hex` digest.
 *
 * @example
 * ```ts
 * requestShape("GET", "/v2/app/blobs/sha256:ab…").kind; // "blob"
 * ```
 */
export function requestShape(method: string, target: string): RequestShape {
  const raw = new URL(target, "http://proxy.invalid").pathname;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    path = raw; // a malformed escape is the registry's problem to report, not the proxy's
  }
  const upper = method.toUpperCase();
  if (path === "/v2/" || path === "/v2") return { method: upper, path, kind: "ping" };
  const blob = BLOB_PATH.exec(path);
  if (blob !== null) return { method: upper, path, kind: "blob", digest: blob[1] as string };
  const manifest = MANIFEST_PATH.exec(path);
  if (manifest !== null) {
    const ref = manifest[1] as string;
    return { method: upper, path, kind: "manifest", ...(ref.includes(":") ? { digest: ref } : {}) };
  }
  return { method: upper, path, kind: "other" };
}

/** A fault picked for one request; `refund` gives its use back when it turned out not to apply. */
export interface TakenFault {
  fault: Fault;
  refund(): void;
}

/**
 * The installed rules and how many uses each has left. A use is taken when
 * a request is matched (not when its answer is sent) so that concurrent
 * requests cannot both get a `times: 1` fault.
 *
 * @example
 * ```ts
 * const rules = new FaultRules();
 * rules.set([{ match: { kind: "blob" }, times: 1, fault: { type: "empty-body" } }]);
 * rules.take(requestShape("GET", path))?.fault;
 * ```
 */
export class FaultRules {
  #rules: { rule: FaultRule; remaining: number }[] = [];

  /** Replace the rules. */
  set(rules: FaultRule[]): void {
    this.#rules = rules.map((rule) => ({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }));
  }

  /** Remove every rule. */
  clear(): void {
    this.#rules = [];
  }

  /** The first rule that matches and has uses left, with one use taken. */
  take(shape: RequestShape): TakenFault | undefined {
    const entry = this.#rules.find(({ rule, remaining }) => remaining > 0 && matches(rule, shape));
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    return { fault: entry.rule.fault, refund: () => void (entry.remaining += 1) };
  }
}

function matches(rule: FaultRule, shape: RequestShape): boolean {
  const { method, kind, path, digest } = rule.match;
  // Body faults never match a request whose answer has no body to damage.
  if (isBodyFault(rule.fault) && shape.method !== "GET") return false;
  if (method !== undefined && method.toUpperCase() !== shape.method) return false;
  if (kind !== undefined && kind !== "any" && kind !== shape.kind) return false;
  // A copy without g/y: those flags make `test` stateful across requests.
  if (path !== undefined && !new RegExp(path.source, path.flags.replace(/[gy]/g, "")).test(shape.path)) return false;
  return digest === undefined || digest === shape.digest;
}
