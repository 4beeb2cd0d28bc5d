import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { DigestguardError } from "../../errors/error.js";
import { findCredentials, type CredentialOptions, type Credentials } from "./credentials.js";

const b64 = (text: string): string => Buffer.from(text).toString("base64");

let root: string;
let binDir: string;
let helperLog: string;
let savedPath: string | undefined;

// Credential helpers are found on PATH like any program, so PATH is the one
// piece of process state these tests change; everything else goes through options.
before(async () => {
  root = await mkdtemp(join(tmpdir(), "digestguard-credentials-"));
  binDir = join(root, "bin");
  helperLog = join(root, "helper.log");
  await mkdir(binDir);
  const helper = async (name: string, body: string): Promise<void> => {
    const file = join(binDir, `docker-credential-${name}`);
    await writeFile(
      file,
      `#!/bin/sh\n[ "$1" = get ] || exit 2\nserver=$(cat)\nprintf '%s %s\\n' ${name} "$server" >> '${helperLog}'\n${body}\n`,
    );
    await chmod(file, 0o755);
  };
  await helper("testhelper", `printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$server"`);
  await helper(
    "tokenhelper",
    `printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-from-helper"}' "$server"`,
  );
  await helper("nocreds", "echo 'credentials not found in native keychain'; exit 1");
  await helper("broken", "echo 'keychain locked'; exit 1");
  await helper("garbage", "echo 'this is not json'");
  savedPath = process.env["PATH"];
  process.env["PATH"] = `${binDir}${delimiter}${savedPath ?? ""}`;
});

after(async () => {
  if (savedPath === undefined) delete process.env["PATH"];
  else process.env["PATH"] = savedPath;
  await rm(root, { recursive: true, force: true });
});

let homes = 0;

/** A fresh home folder; `files` maps paths relative to it to JSON values (or raw text). */
async function home(files: Record<string, unknown>): Promise<string> {
  const dir = join(root, `home-${++homes}`);
  for (const [relative, content] of Object.entries(files)) {
    const path = join(dir, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

const DOCKER = ".docker/config.json";

async function helperCalls(): Promise<string[]> {
  const text = await readFile(helperLog, "utf8").catch(() => "");
  await rm(helperLog, { force: true });
  return text.split("\n").filter((line) => line !== "");
}

interface Case {
  name: string;
  files: Record<string, unknown>;
  registry: string;
  options?: (home: string) => Omit<CredentialOptions, "home"> & { repository?: string };
  expected: Credentials | undefined;
  helperCalls?: string[];
}

const cases: Case[] = [
  {
    name: "an auths entry with base64 user:password (the password may hold colons)",
    files: { [DOCKER]: { auths: { "ghcr.io": { auth: b64("me:pa:ss") } } } },
    registry: "ghcr.io",
    expected: { username: "me", password: "pa:ss" },
  },
  {
    name: "an auths entry with separate username and password",
    files: { [DOCKER]: { auths: { "ghcr.io": { username: "u", password: "p" } } } },
    registry: "ghcr.io",
    expected: { username: "u", password: "p" },
  },
  {
    name: "an auths entry keyed by URL",
    files: { [DOCKER]: { auths: { "https://registry.example:5000": { auth: b64("u:p") } } } },
    registry: "registry.example:5000",
    expected: { username: "u", password: "p" },
  },
  {
    name: "an identitytoken wins over auth in the same entry",
    files: {
      [DOCKER]: {
        auths: { "myacr.example": { auth: b64("00000000-0000-0000-0000-000000000000:"), identitytoken: "refresh-me" } },
      },
    },
    registry: "myacr.example",
    expected: { identityToken: "refresh-me" },
  },
  {
    name: "Docker Hub's legacy key is found for docker.io",
    files: { [DOCKER]: { auths: { "https://index.docker.io/v1/": { auth: b64("hubuser:hubpass") } } } },
    registry: "docker.io",
    expected: { username: "hubuser", password: "hubpass" },
  },
  {
    name: "another registry's entry is not used",
    files: { [DOCKER]: { auths: { "ghcr.io": { auth: b64("u:p") } } } },
    registry: "quay.io",
    expected: undefined,
  },
  {
    name: "no auth file at all means anonymous",
    files: {},
    registry: "ghcr.io",
    expected: undefined,
  },
  {
    name: "DOCKER_CONFIG points at another folder than ~/.docker",
    files: {
      [DOCKER]: { auths: { "ghcr.io": { auth: b64("home:x") } } },
      "elsewhere/config.json": { auths: { "ghcr.io": { auth: b64("elsewhere:y") } } },
    },
    registry: "ghcr.io",
    options: (h) => ({ env: { DOCKER_CONFIG: join(h, "elsewhere") } }),
    expected: { username: "elsewhere", password: "y" },
  },
  {
    name: "a credHelpers entry runs docker-credential-<helper> with the server on stdin",
    files: {
      [DOCKER]: { credHelpers: { "ghcr.io": "testhelper" }, auths: { "ghcr.io": { auth: b64("inline:ignored") } } },
    },
    registry: "ghcr.io",
    expected: { username: "helper-user", password: "helper-secret" },
    helperCalls: ["testhelper ghcr.io"],
  },
  {
    name: "a credHelpers entry for Docker Hub is asked with the legacy server URL",
    files: { [DOCKER]: { credHelpers: { "https://index.docker.io/v1/": "testhelper" } } },
    registry: "docker.io",
    expected: { username: "helper-user", password: "helper-secret" },
    helperCalls: ["testhelper https://index.docker.io/v1/"],
  },
  {
    name: "a helper answering <token> yields an identity token",
    files: { [DOCKER]: { credHelpers: { "ghcr.io": "tokenhelper" } } },
    registry: "ghcr.io",
    expected: { identityToken: "refresh-from-helper" },
    helperCalls: ["tokenhelper ghcr.io"],
  },
  {
    name: "credsStore is used for a registry without its own entry",
    files: { [DOCKER]: { credsStore: "testhelper", auths: { "quay.io": { auth: b64("inline:q") } } } },
    registry: "ghcr.io",
    expected: { username: "helper-user", password: "helper-secret" },
    helperCalls: ["testhelper ghcr.io"],
  },
  {
    name: "an inline auths entry wins over credsStore",
    files: { [DOCKER]: { credsStore: "testhelper", auths: { "quay.io": { auth: b64("inline:q") } } } },
    registry: "quay.io",
    expected: { username: "inline", password: "q" },
    helperCalls: [],
  },
  {
    name: "a helper that says 'credentials not found' means anonymous",
    files: { [DOCKER]: { credsStore: "nocreds" } },
    registry: "ghcr.io",
    expected: undefined,
    helperCalls: ["nocreds ghcr.io"],
  },
  {
    name: "REGISTRY_AUTH_FILE comes before the docker config",
    files: {
      "auth.json": { auths: { "ghcr.io": { auth: b64("containers:a") } } },
      [DOCKER]: { auths: { "ghcr.io": { auth: b64("docker:d") } } },
    },
    registry: "ghcr.io",
    options: (h) => ({ env: { REGISTRY_AUTH_FILE: join(h, "auth.json") } }),
    expected: { username: "containers", password: "a" },
  },
  {
    name: "a registry REGISTRY_AUTH_FILE lacks is looked up in the docker config",
    files: {
      "auth.json": { auths: { "quay.io": { auth: b64("containers:a") } } },
      [DOCKER]: { auths: { "ghcr.io": { auth: b64("docker:d") } } },
    },
    registry: "ghcr.io",
    options: (h) => ({ env: { REGISTRY_AUTH_FILE: join(h, "auth.json") } }),
    expected: { username: "docker", password: "d" },
  },
  {
    name: "a missing REGISTRY_AUTH_FILE is skipped",
    files: { [DOCKER]: { auths: { "ghcr.io": { auth: b64("docker:d") } } } },
    registry: "ghcr.io",
    options: (h) => ({ env: { REGISTRY_AUTH_FILE: join(h, "absent.json") } }),
    expected: { username: "docker", password: "d" },
  },
  {
    name: "the containers auth.json under XDG_RUNTIME_DIR comes before the docker config",
    files: {
      "run/containers/auth.json": { auths: { "ghcr.io": { auth: b64("podman:p") } } },
      [DOCKER]: { auths: { "ghcr.io": { auth: b64("docker:d") } } },
    },
    registry: "ghcr.io",
    options: (h) => ({ env: { XDG_RUNTIME_DIR: join(h, "run") } }),
    expected: { username: "podman", password: "p" },
  },
  {
    name: "an explicit authFile replaces every other place",
    files: { "only.json": { auths: {} }, [DOCKER]: { auths: { "ghcr.io": { auth: b64("docker:d") } } } },
    registry: "ghcr.io",
    options: (h) => ({ authFile: join(h, "only.json") }),
    expected: undefined,
  },
  {
    name: "a namespaced entry host/org is used for repository org/app",
    files: {
      [DOCKER]: { auths: { "reg.example/org": { auth: b64("org:o") }, "reg.example": { auth: b64("host:h") } } },
    },
    registry: "reg.example",
    options: () => ({ repository: "org/app" }),
    expected: { username: "org", password: "o" },
  },
  {
    name: "the most specific namespace wins",
    files: {
      [DOCKER]: {
        auths: { "reg.example/org": { auth: b64("org:o") }, "reg.example/org/team": { auth: b64("team:t") } },
      },
    },
    registry: "reg.example",
    options: () => ({ repository: "org/team/app" }),
    expected: { username: "team", password: "t" },
  },
  {
    name: "a namespace matches whole path components only",
    files: {
      [DOCKER]: { auths: { "reg.example/org": { auth: b64("org:o") }, "reg.example": { auth: b64("host:h") } } },
    },
    registry: "reg.example",
    options: () => ({ repository: "organisation/app" }),
    expected: { username: "host", password: "h" },
  },
  {
    name: "--creds wins over everything",
    files: { [DOCKER]: { credsStore: "testhelper", auths: { "ghcr.io": { auth: b64("file:f") } } } },
    registry: "ghcr.io",
    options: () => ({ creds: "flag:pa:ss", env: { DIGESTGUARD_USERNAME: "env", DIGESTGUARD_PASSWORD: "e" } }),
    expected: { username: "flag", password: "pa:ss" },
    helperCalls: [],
  },
  {
    name: "--creds and DIGESTGUARD_* go only to the registries they were given for; others use the auth files",
    files: { [DOCKER]: { auths: { "mirror.example": { auth: b64("file:f") } } } },
    registry: "mirror.example",
    options: () => ({
      creds: "flag:p",
      explicitFor: new Set(["ghcr.io"]),
      env: { DIGESTGUARD_USERNAME: "env", DIGESTGUARD_PASSWORD: "e" },
    }),
    expected: { username: "file", password: "f" },
  },
  {
    name: "--creds given for another registry leaves this one anonymous",
    files: {},
    registry: "mirror.example",
    options: () => ({ creds: "flag:p", explicitFor: new Set(["ghcr.io"]) }),
    expected: undefined,
  },
  {
    name: "--creds given for docker.io apply to registry-1.docker.io",
    files: {},
    registry: "registry-1.docker.io",
    options: () => ({ creds: "flag:p", explicitFor: new Set(["docker.io"]) }),
    expected: { username: "flag", password: "p" },
  },
  {
    name: "DIGESTGUARD_USERNAME and DIGESTGUARD_PASSWORD win over auth files",
    files: { [DOCKER]: { auths: { "ghcr.io": { auth: b64("file:f") } } } },
    registry: "ghcr.io",
    options: () => ({ env: { DIGESTGUARD_USERNAME: "env", DIGESTGUARD_PASSWORD: "e" } }),
    expected: { username: "env", password: "e" },
  },
];

describe("findCredentials", () => {
  for (const { name, files, registry, options, expected, helperCalls: calls } of cases) {
    test(name, async () => {
      const h = await home(files);
      await helperCalls();
      const found = await findCredentials(registry, { env: {}, ...options?.(h), home: h });
      assert.deepEqual(found, expected);
      if (calls !== undefined) assert.deepEqual(await helperCalls(), calls);
    });
  }
});

describe("credential failures name the place, never the secret", () => {
  const SECRET = "hunter2-very-secret";
  const failures: { name: string; content: unknown; registry?: string; mentions: RegExp }[] = [
    {
      name: "a config that is not JSON",
      content: `{"auths": {"ghcr.io": {"auth": "${b64(`me:${SECRET}`)}"}}`,
      mentions: /not valid JSON/,
    },
    { name: "a config that is not an object", content: [`me:${SECRET}`], mentions: /JSON object/ },
    {
      name: "an auth value that is not base64 of user:password",
      content: { auths: { "ghcr.io": { auth: b64(SECRET) } } },
      mentions: /"auth" value/,
    },
    {
      name: "an auth value that is not a string",
      content: { auths: { "ghcr.io": { auth: 12345, password: SECRET } } },
      mentions: /ghcr\.io/,
    },
    { name: "an auths entry that is not an object", content: { auths: { "ghcr.io": SECRET } }, mentions: /ghcr\.io/ },
    {
      name: "a credHelpers value that is not a string",
      content: { credHelpers: { "ghcr.io": { secret: SECRET } } },
      mentions: /ghcr\.io/,
    },
  ];
  for (const { name, content, registry, mentions } of failures) {
    test(`${name} is CREDENTIALS_ERROR`, async () => {
      const h = await home({ [DOCKER]: typeof content === "string" ? content : JSON.stringify(content) });
      await assert.rejects(findCredentials(registry ?? "ghcr.io", { env: {}, home: h }), (error) => {
        assert.ok(error instanceof DigestguardError, `expected a DigestguardError, got ${String(error)}`);
        assert.equal(error.code, "CREDENTIALS_ERROR");
        assert.equal(error.exitCode, 4);
        assert.ok(error.message.includes(join(h, DOCKER)), error.message);
        assert.match(error.message, mentions);
        assert.ok(!error.message.includes(SECRET) && !error.message.includes(b64(SECRET)), error.message);
        assert.ok(!JSON.stringify(error.details).includes(SECRET));
        return true;
      });
    });
  }

  test("a null auths entry is treated as absent, as docker does", async () => {
    const h = await home({ [DOCKER]: { auths: { "ghcr.io": null } } });
    assert.equal(await findCredentials("ghcr.io", { env: {}, home: h }), undefined);
  });

  const helperFailures = [
    { helper: "broken", mentions: /docker-credential-broken: keychain locked/ },
    { helper: "garbage", mentions: /not JSON/ },
    { helper: "missing", mentions: /docker-credential-missing is not installed or not on PATH/ },
  ];
  for (const { helper, mentions } of helperFailures) {
    test(`a failing helper (${helper}) is CREDENTIALS_ERROR naming it`, async () => {
      const h = await home({ [DOCKER]: { credHelpers: { "ghcr.io": helper } } });
      await assert.rejects(findCredentials("ghcr.io", { env: {}, home: h }), (error) => {
        assert.ok(error instanceof DigestguardError);
        assert.equal(error.code, "CREDENTIALS_ERROR");
        assert.match(error.message, mentions);
        return true;
      });
    });
  }

  test("a helper name that is not a program name is refused without running anything", async () => {
    const h = await home({ [DOCKER]: { credHelpers: { "ghcr.io": "../../bin/sh" } } });
    await helperCalls();
    await assert.rejects(findCredentials("ghcr.io", { env: {}, home: h }), { code: "CREDENTIALS_ERROR" });
    assert.deepEqual(await helperCalls(), []);
  });
});
