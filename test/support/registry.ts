import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { readRegistryRequestLog, type RegistryRequest } from "./access-log.js";
import { onProcessExit, type TrackedChild } from "./child-reaper.js";
import { freeLoopbackPort } from "./loopback.js";
import { registryConfig, type RegistryConfigInput, type RegistryMode } from "./registry-config.js";
import { launchRegistryProcess, REGISTRY_BINARY } from "./registry-process.js";
import { requireToolOrSkip, toolSkipReason, type RequiredTool } from "./require-tool.js";
import { harnessTls, type HarnessTls } from "./tls.js";
import { startTokenIssuer, type TokenIssuer } from "./token-issuer.js";

export type { RegistryMode } from "./registry-config.js";
export type { RegistryRequest } from "./access-log.js";
export type { TokenIssuer } from "./token-issuer.js";

/** The user basic and token modes accept. */
export const REGISTRY_USERNAME = "tester";
/** `auth.token.service` in token mode; the token `aud`. */
export const TOKEN_SERVICE = "digestguard-test";
/** `auth.token.issuer` in token mode; the token `iss`. */
export const TOKEN_ISSUER_NAME = "digestguard-test-issuer";

/** A real registry the harness started; see {@link startRegistry}. */
export interface RunningRegistry {
  mode: RegistryMode;
  /** `127.0.0.1:PORT` */
  host: string;
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT` */
  url: string;
  /** PEM file of the harness CA (tls, basic, token). */
  caFile?: string;
  /** The same CA as PEM text, for `new Agent({ connect: { ca } })`. */
  caPem?: string;
  /** Folder with `ca.crt` only, for skopeo's `--cert-dir` (tls, basic, token). */
  certDir?: string;
  /** mtls: the client certificate and key (PEM files) the registry accepts. */
  clientCertFile?: string;
  clientKeyFile?: string;
  username?: string;
  password?: string;
  tokenIssuer?: TokenIssuer;
  /** The registry's filesystem storage root. */
  storageDir: string;
  /** Path of the file holding blob `digest` (`sha256:<hex>`) inside the storage. */
  blobDataPath(digest: string): string;
  /** Every request the registry logged so far, oldest first, without the harness's own readiness and marker requests. */
  requestLog(): Promise<RegistryRequest[]>;
  /** Kill the registry (and issuer), remove its temporary folder. Idempotent. */
  stop(): Promise<void>;
}

/** The registry binary as a {@link RequiredTool}. */
export function registryTool(): RequiredTool {
  return { name: "docker-registry", available: registryAvailable(), install: "apt-get install docker-registry" };
}

/** Whether the CNCF distribution registry binary is installed. */
export function registryAvailable(): boolean {
  return existsSync(REGISTRY_BINARY);
}

/**
 * Skip the test when the registry binary is missing, or throw (failing the
 * test) when the `CI` variable is set. Returns whether the test may go on.
 *
 * @example
 * ```ts
 * it("pulls", async (t) => { if (!requireRegistryOrSkip(t)) return; ... });
 * ```
 */
export function requireRegistryOrSkip(t: { skip(message?: string): void }): boolean {
  return requireToolOrSkip(t, registryTool());
}

/** For `describe(name, { skip: registrySkipReason() }, ...)`: a reason to skip, or false (always false in CI). */
export function registrySkipReason(): string | false {
  return toolSkipReason(registryTool());
}

/**
 * Start the real CNCF distribution registry on a free loopback port with a
 * fresh storage folder: plain HTTP, TLS with the harness CA, TLS plus htpasswd
 * basic auth, or TLS plus bearer tokens from a {@link TokenIssuer}.
 *
 * @example
 * ```ts
 * const registry = await startRegistry({ mode: "token" });
 * try { ... } finally { await registry.stop(); }
 * ```
 */
export async function startRegistry(options: { mode: RegistryMode; signal?: AbortSignal }): Promise<RunningRegistry> {
  options.signal?.throwIfAborted();
  const { mode } = options;
  const root = mkdtempSync(join(tmpdir(), `digestguard-registry-${mode}-`));
  const cancelExitCleanup = onProcessExit(() => rmSync(root, { recursive: true, force: true }));
  const storageDir = join(root, "storage");
  const stdoutFile = join(root, "access.log");
  let issuer: TokenIssuer | undefined;
  let child: TrackedChild | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await child?.kill();
      await issuer?.stop();
      await rm(root, { recursive: true, force: true });
      cancelExitCleanup();
    })();
    return stopping;
  };
  try {
    await mkdir(storageDir);
    const tls = mode === "http" ? undefined : await harnessTls();
    const password = mode === "basic" || mode === "token" ? randomBytes(12).toString("base64url") : undefined;
    const input = await authInputs(mode, root, tls, password);
    issuer = input.issuer;
    let port: number;
    ({ child, port } = await launchOnFreePort({
      mode,
      root,
      storageDir,
      stdoutFile,
      tls,
      config: input.config,
      signal: options.signal,
    }));
    const host = `127.0.0.1:${port}`;
    const url = `${scheme(mode)}://${host}`;
    return {
      mode,
      host,
      url,
      storageDir,
      stop,
      ...(tls === undefined ? {} : { caFile: tls.caCertFile, caPem: tls.caCertPem, certDir: tls.certDir }),
      ...(password === undefined ? {} : { username: REGISTRY_USERNAME, password }),
      ...(mode === "mtls" && tls !== undefined
        ? { clientCertFile: tls.clientCertFile, clientKeyFile: tls.clientKeyFile }
        : {}),
      ...(issuer === undefined ? {} : { tokenIssuer: issuer }),
      blobDataPath: (digest) => blobDataPath(storageDir, digest),
      requestLog: () =>
        readRegistryRequestLog({
          url,
          logFile: stdoutFile,
          ...(tls === undefined ? {} : { ca: tls.caCertPem }),
          ...clientOf(mode, tls),
        }),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The port is free when probed but could be taken before the registry binds
 * it; trying again with a new port makes that race harmless.
 */
async function launchOnFreePort(options: {
  mode: RegistryMode;
  root: string;
  storageDir: string;
  stdoutFile: string;
  tls: HarnessTls | undefined;
  config: Omit<RegistryConfigInput, "mode" | "port" | "storageDir">;
  signal: AbortSignal | undefined;
}): Promise<{ child: TrackedChild; port: number }> {
  const { mode, root, storageDir, tls } = options;
  const configFile = join(root, "config.yml");
  for (let attempt = 1; ; attempt += 1) {
    const port = await freeLoopbackPort();
    await writeFile(configFile, JSON.stringify(registryConfig({ ...options.config, mode, port, storageDir }), null, 2));
    try {
      const child = await launchRegistryProcess({
        configFile,
        stdoutFile: options.stdoutFile,
        stderrFile: join(root, "registry.log"),
        url: `${scheme(mode)}://127.0.0.1:${port}`,
        ...(tls === undefined ? {} : { ca: tls.caCertPem }),
        ...clientOf(mode, tls),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      return { child, port };
    } catch (error) {
      if (attempt >= 3 || !String((error as Error).message).includes("address already in use")) throw error;
    }
  }
}

// In mtls mode the harness's own requests must show the client certificate too.
function clientOf(mode: RegistryMode, tls: HarnessTls | undefined): { client?: { cert: string; key: string } } {
  return mode === "mtls" && tls !== undefined ? { client: { cert: tls.clientCertPem, key: tls.clientKeyPem } } : {};
}

function scheme(mode: RegistryMode): "http" | "https" {
  return mode === "http" ? "http" : "https";
}

async function authInputs(
  mode: RegistryMode,
  root: string,
  tls: HarnessTls | undefined,
  password: string | undefined,
): Promise<{
  config: Omit<RegistryConfigInput, "mode" | "port" | "storageDir">;
  issuer?: TokenIssuer;
}> {
  if (tls === undefined) return { config: {} };
  const tlsFiles = { certFile: tls.serverCertFile, keyFile: tls.serverKeyFile };
  if (mode === "basic") {
    const htpasswdFile = join(root, "htpasswd");
    // Cost 5: the registry checks the hash on every request; test speed matters more than strength.
    await writeFile(htpasswdFile, `${REGISTRY_USERNAME}:${bcrypt.hashSync(password ?? "", 5)}\n`);
    return { config: { tls: tlsFiles, htpasswdFile } };
  }
  if (mode === "token") {
    const issuer = await startTokenIssuer({
      username: REGISTRY_USERNAME,
      password: password ?? "",
      service: TOKEN_SERVICE,
      signer: { keyPem: tls.signingKeyPem, certDerBase64: tls.signingCertDerBase64, issuer: TOKEN_ISSUER_NAME },
      tls: { certPem: tls.serverCertPem, keyPem: tls.serverKeyPem },
    });
    const token = {
      realm: issuer.realm,
      service: TOKEN_SERVICE,
      issuer: TOKEN_ISSUER_NAME,
      rootCertBundle: tls.signingCertFile,
    };
    return { config: { tls: tlsFiles, token }, issuer };
  }
  return { config: { tls: mode === "mtls" ? { ...tlsFiles, clientCaFile: tls.caCertFile } : tlsFiles } };
}

/** `<storage>/docker/registry/v2/blobs/sha256/<2 hex>/<hex>/data`, for a checked sha256 digest only. */
function blobDataPath(storageDir: string, digest: string): string {
  const match = /^sha256:([a-f0-9]{64})$/.exec(digest);
  if (match === null) throw new Error(`Cannot locate blob: "${digest}" is not a sha256 digest.`);
  const hex = match[1] as string;
  return join(storageDir, "docker", "registry", "v2", "blobs", "sha256", hex.slice(0, 2), hex, "data");
}
