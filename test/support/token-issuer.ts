import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { grantAccess, parseScopes, signRegistryToken, type TokenAccess, type TokenSigner } from "./registry-token.js";

/** One request the issuer answered, for assertions on token reuse. */
export interface TokenRequestRecord {
  method: string;
  /** `password`, `refresh_token` for the OAuth2 POST form; `basic` or `anonymous` for GET. */
  grant: string;
  account: string | undefined;
  service: string | undefined;
  /** The raw `scope` values, one per scope (POST values are split on spaces). */
  scopes: string[];
  status: number;
  granted: TokenAccess[];
}

/** Options for {@link startTokenIssuer}. */
export interface TokenIssuerOptions {
  username: string;
  password: string;
  /** The registry's `auth.token.service`; tokens carry it as `aud`. */
  service: string;
  signer: TokenSigner;
  /** Server certificate and key the issuer serves https with. */
  tls: { certPem: string; keyPem: string };
  lifetimeSeconds?: number;
}

const TOKEN_PATH = "/token";

/**
 * A Docker token-spec issuer: `GET /token?service=&scope=` with optional Basic
 * auth, and the OAuth2 `POST /token` form (`grant_type=password` or
 * `refresh_token`). It counts requests and can be told to fail the next ones.
 */
export class TokenIssuer {
  /** Every request, in arrival order. */
  readonly requests: TokenRequestRecord[] = [];
  private failures: { remaining: number; status: number; retryAfterSeconds?: number } = { remaining: 0, status: 503 };
  private readonly refreshTokens = new Map<string, string>();

  constructor(
    private readonly server: Server,
    private readonly options: TokenIssuerOptions,
    readonly port: number,
  ) {}

  /** `https://127.0.0.1:PORT/token`, the registry's `auth.token.realm`. */
  get realm(): string {
    return `https://127.0.0.1:${this.port}${TOKEN_PATH}`;
  }

  /** How many requests reached the issuer, failed ones included. */
  get requestCount(): number {
    return this.requests.length;
  }

  /** Answer the next `count` requests with `status` (and `Retry-After` when given) instead of a token. */
  failNext(count: number, options: { status?: number; retryAfterSeconds?: number } = {}): void {
    this.failures = {
      remaining: count,
      status: options.status ?? 503,
      ...(options.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: options.retryAfterSeconds }),
    };
  }

  /** Forget recorded requests (the count restarts at zero). */
  resetLog(): void {
    this.requests.length = 0;
  }

  /** Stop listening and drop open connections. Idempotent. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** @internal Request entry point. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.realm);
    const record: TokenRequestRecord = {
      method: req.method ?? "",
      grant: "anonymous",
      account: undefined,
      service: undefined,
      scopes: [],
      status: 0,
      granted: [],
    };
    this.requests.push(record);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    };
    if (this.failures.remaining > 0) {
      this.failures.remaining -= 1;
      const retry = this.failures.retryAfterSeconds;
      return reply(
        this.failures.status,
        { errors: [{ code: "UNAVAILABLE", message: "injected failure" }] },
        retry === undefined ? {} : { "retry-after": String(retry) },
      );
    }
    if (url.pathname !== TOKEN_PATH)
      return reply(404, { errors: [{ code: "NOT_FOUND", message: "no such endpoint" }] });
    const params = req.method === "POST" ? new URLSearchParams(await readBody(req)) : url.searchParams;
    record.service = params.get("service") ?? undefined;
    record.scopes = params
      .getAll("scope")
      .flatMap((s) => s.split(" "))
      .filter((s) => s !== "");
    const caller = req.method === "POST" ? this.postCaller(params, record) : this.basicCaller(req, record);
    if (caller === "denied")
      return reply(
        401,
        { errors: [{ code: "UNAUTHORIZED", message: "invalid credentials" }], error: "invalid_grant" },
        { "www-authenticate": `Basic realm="${this.realm}"` },
      );
    if (caller === "bad-request") return reply(400, { error: "unsupported_grant_type" });
    if (record.service !== undefined && record.service !== this.options.service)
      return reply(400, { errors: [{ code: "INVALID_SERVICE", message: `unknown service ${record.service}` }] });
    record.granted = grantAccess(parseScopes(record.scopes), { authenticated: caller !== undefined });
    const lifetime = this.options.lifetimeSeconds ?? 300;
    const now = new Date();
    const token = signRegistryToken({
      signer: this.options.signer,
      subject: caller ?? "",
      audience: this.options.service,
      access: record.granted,
      lifetimeSeconds: lifetime,
      now,
    });
    const body: Record<string, unknown> = {
      token,
      access_token: token,
      expires_in: lifetime,
      issued_at: now.toISOString(),
    };
    if (req.method === "POST" && caller !== undefined && params.get("access_type") === "offline") {
      const refresh = randomBytes(24).toString("base64url");
      this.refreshTokens.set(refresh, caller);
      body.refresh_token = refresh;
    }
    reply(200, body);
  }

  /** The authenticated account, `undefined` for anonymous, or "denied". */
  private basicCaller(req: IncomingMessage, record: TokenRequestRecord): string | undefined | "denied" {
    const header = req.headers.authorization;
    if (header === undefined) return undefined;
    record.grant = "basic";
    const match = /^Basic\s+(.+)$/i.exec(header);
    const decoded = match === null ? "" : Buffer.from(match[1] as string, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    record.account = colon < 0 ? decoded : decoded.slice(0, colon);
    return this.checkPassword(record.account, colon < 0 ? "" : decoded.slice(colon + 1));
  }

  private postCaller(params: URLSearchParams, record: TokenRequestRecord): string | "denied" | "bad-request" {
    record.grant = params.get("grant_type") ?? "";
    if (record.grant === "password") {
      record.account = params.get("username") ?? "";
      return this.checkPassword(record.account, params.get("password") ?? "");
    }
    if (record.grant === "refresh_token") {
      record.account = this.refreshTokens.get(params.get("refresh_token") ?? "");
      return record.account ?? "denied";
    }
    return "bad-request";
  }

  private checkPassword(username: string, password: string): string | "denied" {
    return username === this.options.username && password === this.options.password ? username : "denied";
  }
}

/**
 * Start a {@link TokenIssuer} over https on a free loopback port.
 *
 * @example
 * ```ts
 * const issuer = await startTokenIssuer({ username: "tester", password, service: "digestguard-test", signer, tls });
 * issuer.failNext(2, { status: 503 });
 * ```
 */
export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  let issuer: TokenIssuer | undefined;
  const server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, (req, res) => {
    issuer?.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address !== "object")
    throw new Error("Cannot start the token issuer: no listening address.");
  issuer = new TokenIssuer(server, options, address.port);
  return issuer;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error("token request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
