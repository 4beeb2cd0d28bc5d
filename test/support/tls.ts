import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { readFile, writeFile, mkdir, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { onProcessExit } from "./child-reaper.js";

const execFileAsync = promisify(execFile);

/** Key and certificate material the harness generates once per test process. */
export interface HarnessTls {
  /** Folder holding every file below; removed when the test process exits. */
  dir: string;
  caCertFile: string;
  caCertPem: string;
  /** Folder with only `ca.crt`, the layout skopeo's `--cert-dir` expects. */
  certDir: string;
  /** Server certificate for 127.0.0.1, localhost and ::1, signed by the CA. */
  serverCertFile: string;
  serverCertPem: string;
  serverKeyFile: string;
  serverKeyPem: string;
  /** Client certificate signed by the CA (for mutual TLS), and its key. */
  clientCertFile: string;
  clientCertPem: string;
  clientKeyFile: string;
  clientKeyPem: string;
  /** Self-signed EC P-256 certificate the token issuer signs JWTs with. */
  signingCertFile: string;
  signingKeyPem: string;
  /** Base64 (standard, not URL) DER of the signing certificate, for the JWT `x5c` header. */
  signingCertDerBase64: string;
}

let cached: Promise<HarnessTls> | undefined;

/**
 * Generate (once per test process, then reuse) a CA, a loopback server
 * certificate signed by it and a separate token-signing certificate, using the
 * `openssl` CLI so the material is produced the way operators produce theirs.
 *
 * @example
 * ```ts
 * const tls = await harnessTls();
 * const agent = new Agent({ connect: { ca: tls.caCertPem } });
 * ```
 */
export function harnessTls(): Promise<HarnessTls> {
  cached ??= generate().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function generate(): Promise<HarnessTls> {
  const dir = mkdtempSync(join(tmpdir(), "digestguard-tls-"));
  onProcessExit(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string): string => join(dir, name);
  await writeFile(
    file("server.ext"),
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,DNS:localhost,IP:::1",
      "",
    ].join("\n"),
  );

  await openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file("ca.key"));
  await openssl(
    "req",
    "-x509",
    "-new",
    "-key",
    file("ca.key"),
    "-sha256",
    "-days",
    "2",
    "-subj",
    "/CN=digestguard test CA",
    "-out",
    file("ca.crt"),
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );

  // A key, a request and a certificate signed by the harness CA, with the extensions in `<name>.ext`.
  const issue = async (name: string, subject: string, certFile: string): Promise<void> => {
    await openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file(`${name}.key`));
    await openssl("req", "-new", "-key", file(`${name}.key`), "-subj", subject, "-out", file(`${name}.csr`));
    await openssl(
      ...[
        "x509",
        "-req",
        "-in",
        file(`${name}.csr`),
        "-CA",
        file("ca.crt"),
        "-CAkey",
        file("ca.key"),
        "-CAcreateserial",
      ],
      ...["-days", "2", "-sha256", "-extfile", file(`${name}.ext`), "-out", file(certFile)],
    );
  };
  await issue("server", "/CN=127.0.0.1", "server.crt");
  await writeFile(
    file("client.ext"),
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n",
  );
  await issue("client", "/CN=digestguard test client", "client.cert");

  // PKCS#8 so node:crypto and any JOSE tooling read the key without guessing the format.
  await openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file("signing.key"));
  await openssl(
    "req",
    "-x509",
    "-new",
    "-key",
    file("signing.key"),
    "-sha256",
    "-days",
    "2",
    "-subj",
    "/CN=digestguard test token signer",
    "-out",
    file("signing.crt"),
  );
  await openssl("x509", "-in", file("signing.crt"), "-outform", "DER", "-out", file("signing.der"));

  const certDir = file("cert-dir");
  await mkdir(certDir);
  await copyFile(file("ca.crt"), join(certDir, "ca.crt"));

  return {
    dir,
    caCertFile: file("ca.crt"),
    caCertPem: await readFile(file("ca.crt"), "utf8"),
    certDir,
    serverCertFile: file("server.crt"),
    serverCertPem: await readFile(file("server.crt"), "utf8"),
    serverKeyFile: file("server.key"),
    serverKeyPem: await readFile(file("server.key"), "utf8"),
    clientCertFile: file("client.cert"),
    clientCertPem: await readFile(file("client.cert"), "utf8"),
    clientKeyFile: file("client.key"),
    clientKeyPem: await readFile(file("client.key"), "utf8"),
    signingCertFile: file("signing.crt"),
    signingKeyPem: await readFile(file("signing.key"), "utf8"),
    signingCertDerBase64: (await readFile(file("signing.der"))).toString("base64"),
  };
}

async function openssl(...args: string[]): Promise<void> {
  try {
    await execFileAsync("openssl", args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`Cannot generate test TLS material: openssl ${args[0]} failed: ${stderr.trim()}`, { cause: error });
  }
}
