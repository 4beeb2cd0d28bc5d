import { createPrivateKey, randomUUID, sign } from "node:crypto";

/** One entry of a token's `access` claim, as the Docker token spec defines it. */
export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

/**
 * Parse `scope` values such as `repository:team/app:pull,push` or
 * `registry:catalog:*`. One value may hold several scopes separated by
 * spaces (the OAuth2 POST form does that). The type may carry a class
 * (`repository(plugin)`), so it ends at the first colon and the actions start
 * after the last one.
 *
 * @example
 * ```ts
 * parseScopes(["repository:a/b:pull,push"]); // [{ type: "repository", name: "a/b", actions: ["pull", "push"] }]
 * ```
 */
export function parseScopes(values: readonly string[]): TokenAccess[] {
  const scopes: TokenAccess[] = [];
  for (const text of values.flatMap((value) => value.split(" ")).filter((s) => s !== "")) {
    const first = text.indexOf(":");
    const last = text.lastIndexOf(":");
    if (first <= 0 || last === first) continue;
    const type = text.slice(0, first).replace(/\(.*\)$/, "");
    scopes.push({
      type,
      name: text.slice(first + 1, last),
      actions: text
        .slice(last + 1)
        .split(",")
        .filter((a) => a !== ""),
    });
  }
  return scopes;
}

const REPOSITORY_ACTIONS = new Set(["pull", "push", "delete", "*"]);

/**
 * Decide what a token grants. Anonymous callers get nothing, so tests see the
 * registry deny them; an authenticated caller gets the requested repository
 * actions among pull, push, delete and `*` (like a real issuer, never more
 * than asked) and `*` on `registry:catalog:*`.
 *
 * @example
 * ```ts
 * grantAccess(parseScopes(["repository:a:pull"]), { authenticated: true });
 * ```
 */
export function grantAccess(requested: readonly TokenAccess[], caller: { authenticated: boolean }): TokenAccess[] {
  if (!caller.authenticated) return [];
  const granted: TokenAccess[] = [];
  for (const scope of requested) {
    if (scope.type === "repository") {
      const actions = scope.actions.filter((action) => REPOSITORY_ACTIONS.has(action));
      if (actions.length > 0) granted.push({ type: scope.type, name: scope.name, actions });
    } else if (scope.type === "registry" && scope.name === "catalog") {
      granted.push({ type: "registry", name: "catalog", actions: ["*"] });
    }
  }
  return granted;
}

/** What {@link signRegistryToken} needs to know about the signer. */
export interface TokenSigner {
  /** PEM private key, EC P-256. */
  keyPem: string;
  /** Base64 DER of the signer's certificate; the registry checks it against its `rootcertbundle`. */
  certDerBase64: string;
  /** The `iss` claim; must equal the registry's `auth.token.issuer`. */
  issuer: string;
}

/**
 * Make an ES256 JWT the CNCF distribution registry accepts as a bearer token.
 * The certificate travels in the `x5c` header because distribution 2.8 finds
 * the verifying key either there (chain checked against `rootcertbundle`) or
 * by a libtrust key id; `x5c` needs no libtrust-specific fingerprinting.
 *
 * @example
 * ```ts
 * const token = signRegistryToken({ signer, subject: "tester", audience: "digestguard-test", access, lifetimeSeconds: 300 });
 * ```
 */
export function signRegistryToken(options: {
  signer: TokenSigner;
  subject: string;
  audience: string;
  access: readonly TokenAccess[];
  lifetimeSeconds: number;
  now?: Date;
}): string {
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const header = { alg: "ES256", typ: "JWT", x5c: [options.signer.certDerBase64] };
  const claims = {
    iss: options.signer.issuer,
    sub: options.subject,
    aud: options.audience,
    exp: issuedAt + options.lifetimeSeconds,
    // A little slack so a token is valid the instant it is handed out.
    nbf: issuedAt - 5,
    iat: issuedAt,
    jti: randomUUID(),
    access: options.access,
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  // JWS ES256 wants the raw 64-byte r||s, not the DER that node emits by default.
  const signature = sign("sha256", Buffer.from(signingInput), {
    key: createPrivateKey(options.signer.keyPem),
    dsaEncoding: "ieee-p1363",
  });
  return `${signingInput}.${signature.toString("base64url")}`;
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
