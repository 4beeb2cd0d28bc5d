import { test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import type { Digest } from "./digest.js";
import {
  familiarReference,
  formatReference,
  isDockerHub,
  parseReference,
  parseRepository,
  registryEndpointHost,
  withDigest,
  type Reference,
} from "./reference.js";

const D = `sha256:${"0123456789abcdef".repeat(4)}` as Digest;
const D512 = `sha512:${"fedcba9876543210".repeat(8)}` as Digest;
const HEX64 = "a1b2c3d4".repeat(8);

interface Valid {
  input: string;
  want: Reference;
  canonical: string;
  familiar: string;
  options?: { defaultTag?: string | false };
}

// [input, registry, repository, tag, digest, canonical, familiar, options?]
type Row = [string, string, string, string | undefined, Digest | undefined, string, string, Valid["options"]?];

const ROWS: Row[] = [
  ["alpine", "docker.io", "library/alpine", "latest", undefined, "docker.io/library/alpine:latest", "alpine:latest"],
  ["alpine:3.19", "docker.io", "library/alpine", "3.19", undefined, "docker.io/library/alpine:3.19", "alpine:3.19"],
  [
    "library/alpine",
    "docker.io",
    "library/alpine",
    "latest",
    undefined,
    "docker.io/library/alpine:latest",
    "alpine:latest",
  ],
  [
    "docker.io/alpine",
    "docker.io",
    "library/alpine",
    "latest",
    undefined,
    "docker.io/library/alpine:latest",
    "alpine:latest",
  ],
  [
    "docker.io/library/alpine:3.19",
    "docker.io",
    "library/alpine",
    "3.19",
    undefined,
    "docker.io/library/alpine:3.19",
    "alpine:3.19",
  ],
  [
    "index.docker.io/library/alpine:1",
    "docker.io",
    "library/alpine",
    "1",
    undefined,
    "docker.io/library/alpine:1",
    "alpine:1",
  ],
  [
    "index.docker.io/alpine",
    "docker.io",
    "library/alpine",
    "latest",
    undefined,
    "docker.io/library/alpine:latest",
    "alpine:latest",
  ],
  ["registry-1.docker.io/x/y", "docker.io", "x/y", "latest", undefined, "docker.io/x/y:latest", "x/y:latest"],
  [
    "registry-1.docker.io/library/alpine:3",
    "docker.io",
    "library/alpine",
    "3",
    undefined,
    "docker.io/library/alpine:3",
    "alpine:3",
  ],
  [
    "DOCKER.IO/alpine",
    "docker.io",
    "library/alpine",
    "latest",
    undefined,
    "docker.io/library/alpine:latest",
    "alpine:latest",
  ],
  [
    "Index.Docker.IO/user/app",
    "docker.io",
    "user/app",
    "latest",
    undefined,
    "docker.io/user/app:latest",
    "user/app:latest",
  ],
  ["user/app:1", "docker.io", "user/app", "1", undefined, "docker.io/user/app:1", "user/app:1"],
  ["docker.io/user/app@" + D, "docker.io", "user/app", undefined, D, `docker.io/user/app@${D}`, `user/app@${D}`],
  [
    "docker.io/library/a/b",
    "docker.io",
    "library/a/b",
    "latest",
    undefined,
    "docker.io/library/a/b:latest",
    "library/a/b:latest",
  ],
  ["a/b/c/d/e", "docker.io", "a/b/c/d/e", "latest", undefined, "docker.io/a/b/c/d/e:latest", "a/b/c/d/e:latest"],
  ["alpine@" + D, "docker.io", "library/alpine", undefined, D, `docker.io/library/alpine@${D}`, `alpine@${D}`],
  [
    "alpine:3.19@" + D512,
    "docker.io",
    "library/alpine",
    "3.19",
    D512,
    `docker.io/library/alpine:3.19@${D512}`,
    `alpine:3.19@${D512}`,
  ],
  ["x:latest@" + D, "docker.io", "library/x", "latest", D, `docker.io/library/x:latest@${D}`, `x:latest@${D}`],
  ["localhost/x", "localhost", "x", "latest", undefined, "localhost/x:latest", "localhost/x:latest"],
  ["localhost:5000/x:y", "localhost:5000", "x", "y", undefined, "localhost:5000/x:y", "localhost:5000/x:y"],
  [
    "localhost:5000/x",
    "localhost:5000",
    "x",
    "latest",
    undefined,
    "localhost:5000/x:latest",
    "localhost:5000/x:latest",
  ],
  [
    "localhost",
    "docker.io",
    "library/localhost",
    "latest",
    undefined,
    "docker.io/library/localhost:latest",
    "localhost:latest",
  ],
  [
    "localhost:5000",
    "docker.io",
    "library/localhost",
    "5000",
    undefined,
    "docker.io/library/localhost:5000",
    "localhost:5000",
  ],
  [
    "127.0.0.1:5000/a/b/c:t",
    "127.0.0.1:5000",
    "a/b/c",
    "t",
    undefined,
    "127.0.0.1:5000/a/b/c:t",
    "127.0.0.1:5000/a/b/c:t",
  ],
  ["127.0.0.1/a", "127.0.0.1", "a", "latest", undefined, "127.0.0.1/a:latest", "127.0.0.1/a:latest"],
  ["10.0.0.1:5000/x", "10.0.0.1:5000", "x", "latest", undefined, "10.0.0.1:5000/x:latest", "10.0.0.1:5000/x:latest"],
  ["[::1]:5000/repo@" + D, "[::1]:5000", "repo", undefined, D, `[::1]:5000/repo@${D}`, `[::1]:5000/repo@${D}`],
  ["[::1]/repo:t", "[::1]", "repo", "t", undefined, "[::1]/repo:t", "[::1]/repo:t"],
  [
    "[2001:db8::1]:443/a/b:c",
    "[2001:db8::1]:443",
    "a/b",
    "c",
    undefined,
    "[2001:db8::1]:443/a/b:c",
    "[2001:db8::1]:443/a/b:c",
  ],
  ["[FE80::1]:5000/x:1", "[fe80::1]:5000", "x", "1", undefined, "[fe80::1]:5000/x:1", "[fe80::1]:5000/x:1"],
  [
    "ghcr.io/org/app:1.2.3@" + D,
    "ghcr.io",
    "org/app",
    "1.2.3",
    D,
    `ghcr.io/org/app:1.2.3@${D}`,
    `ghcr.io/org/app:1.2.3@${D}`,
  ],
  ["ghcr.io/x@" + D512, "ghcr.io", "x", undefined, D512, `ghcr.io/x@${D512}`, `ghcr.io/x@${D512}`],
  ["ex.com:443/a", "ex.com:443", "a", "latest", undefined, "ex.com:443/a:latest", "ex.com:443/a:latest"],
  [
    "a.b.c/d-e/f_g/h__i/j.k:tag",
    "a.b.c",
    "d-e/f_g/h__i/j.k",
    "tag",
    undefined,
    "a.b.c/d-e/f_g/h__i/j.k:tag",
    "a.b.c/d-e/f_g/h__i/j.k:tag",
  ],
  ["Host.com/x", "host.com", "x", "latest", undefined, "host.com/x:latest", "host.com/x:latest"],
  ["GHCR.IO/org/app:V1", "ghcr.io", "org/app", "V1", undefined, "ghcr.io/org/app:V1", "ghcr.io/org/app:V1"],
  ["host:5000/x", "host:5000", "x", "latest", undefined, "host:5000/x:latest", "host:5000/x:latest"],
  [
    "registry:5000/team/app:v2",
    "registry:5000",
    "team/app",
    "v2",
    undefined,
    "registry:5000/team/app:v2",
    "registry:5000/team/app:v2",
  ],
  [
    "my-registry.example.com/team/app",
    "my-registry.example.com",
    "team/app",
    "latest",
    undefined,
    "my-registry.example.com/team/app:latest",
    "my-registry.example.com/team/app:latest",
  ],
  [
    "sub-domain.example-host.io:8443/x",
    "sub-domain.example-host.io:8443",
    "x",
    "latest",
    undefined,
    "sub-domain.example-host.io:8443/x:latest",
    "sub-domain.example-host.io:8443/x:latest",
  ],
  [
    "xn--bcher-kva.example/x",
    "xn--bcher-kva.example",
    "x",
    "latest",
    undefined,
    "xn--bcher-kva.example/x:latest",
    "xn--bcher-kva.example/x:latest",
  ],
  [
    "quay.io/prometheus/node-exporter:v1.8.0",
    "quay.io",
    "prometheus/node-exporter",
    "v1.8.0",
    undefined,
    "quay.io/prometheus/node-exporter:v1.8.0",
    "quay.io/prometheus/node-exporter:v1.8.0",
  ],
  [
    "gcr.io/distroless/static-debian12:nonroot",
    "gcr.io",
    "distroless/static-debian12",
    "nonroot",
    undefined,
    "gcr.io/distroless/static-debian12:nonroot",
    "gcr.io/distroless/static-debian12:nonroot",
  ],
  [
    "mcr.microsoft.com/windows/servercore:ltsc2022",
    "mcr.microsoft.com",
    "windows/servercore",
    "ltsc2022",
    undefined,
    "mcr.microsoft.com/windows/servercore:ltsc2022",
    "mcr.microsoft.com/windows/servercore:ltsc2022",
  ],
  [
    "public.ecr.aws/docker/library/alpine:3",
    "public.ecr.aws",
    "docker/library/alpine",
    "3",
    undefined,
    "public.ecr.aws/docker/library/alpine:3",
    "public.ecr.aws/docker/library/alpine:3",
  ],
  [
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com",
    "app",
    "1",
    undefined,
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
  ],
  ["a--b", "docker.io", "library/a--b", "latest", undefined, "docker.io/library/a--b:latest", "a--b:latest"],
  ["a---b/c", "docker.io", "a---b/c", "latest", undefined, "docker.io/a---b/c:latest", "a---b/c:latest"],
  ["a__b", "docker.io", "library/a__b", "latest", undefined, "docker.io/library/a__b:latest", "a__b:latest"],
  [
    "a_b.c-d",
    "docker.io",
    "library/a_b.c-d",
    "latest",
    undefined,
    "docker.io/library/a_b.c-d:latest",
    "a_b.c-d:latest",
  ],
  [
    "example.com",
    "docker.io",
    "library/example.com",
    "latest",
    undefined,
    "docker.io/library/example.com:latest",
    "example.com:latest",
  ],
  ["0", "docker.io", "library/0", "latest", undefined, "docker.io/library/0:latest", "0:latest"],
  ["1/2:3", "docker.io", "1/2", "3", undefined, "docker.io/1/2:3", "1/2:3"],
  ["a:b", "docker.io", "library/a", "b", undefined, "docker.io/library/a:b", "a:b"],
  [
    "x:_underscore",
    "docker.io",
    "library/x",
    "_underscore",
    undefined,
    "docker.io/library/x:_underscore",
    "x:_underscore",
  ],
  ["x:V1.0-RC_2", "docker.io", "library/x", "V1.0-RC_2", undefined, "docker.io/library/x:V1.0-RC_2", "x:V1.0-RC_2"],
  [
    `x:${"t".repeat(128)}`,
    "docker.io",
    "library/x",
    "t".repeat(128),
    undefined,
    `docker.io/library/x:${"t".repeat(128)}`,
    `x:${"t".repeat(128)}`,
  ],
  [`ex.com/${HEX64}`, "ex.com", HEX64, "latest", undefined, `ex.com/${HEX64}:latest`, `ex.com/${HEX64}:latest`],
  [
    `docker.io/${HEX64}`,
    "docker.io",
    `library/${HEX64}`,
    "latest",
    undefined,
    `docker.io/library/${HEX64}:latest`,
    `library/${HEX64}:latest`,
  ],
  [
    `ex.com/${"a".repeat(248)}`,
    "ex.com",
    "a".repeat(248),
    "latest",
    undefined,
    `ex.com/${"a".repeat(248)}:latest`,
    `ex.com/${"a".repeat(248)}:latest`,
  ],
  [
    "alpine",
    "docker.io",
    "library/alpine",
    "edge",
    undefined,
    "docker.io/library/alpine:edge",
    "alpine:edge",
    { defaultTag: "edge" },
  ],
  [
    "alpine",
    "docker.io",
    "library/alpine",
    undefined,
    undefined,
    "docker.io/library/alpine",
    "alpine",
    { defaultTag: false },
  ],
  ["ghcr.io/x/y", "ghcr.io", "x/y", undefined, undefined, "ghcr.io/x/y", "ghcr.io/x/y", { defaultTag: false }],
  [
    "alpine:3",
    "docker.io",
    "library/alpine",
    "3",
    undefined,
    "docker.io/library/alpine:3",
    "alpine:3",
    { defaultTag: false },
  ],
  [
    "alpine@" + D,
    "docker.io",
    "library/alpine",
    undefined,
    D,
    `docker.io/library/alpine@${D}`,
    `alpine@${D}`,
    { defaultTag: "edge" },
  ],
];

const VALID: Valid[] = ROWS.map(([input, registry, repository, tag, digest, canonical, familiar, options]) => {
  const want: Reference = { registry, repository };
  if (tag !== undefined) want.tag = tag;
  if (digest !== undefined) want.digest = digest;
  return options === undefined ? { input, want, canonical, familiar } : { input, want, canonical, familiar, options };
});

for (const row of VALID) {
  const label = row.input.length > 60 ? `${row.input.slice(0, 57)}...` : row.input;
  test(`parseReference accepts ${JSON.stringify(label)}${row.options ? ` ${JSON.stringify(row.options)}` : ""}`, () => {
    const ref = parseReference(row.input, row.options);
    assert.deepEqual(ref, row.want);
    assert.equal(formatReference(ref), row.canonical);
    assert.equal(familiarReference(ref), row.familiar);
    // Both printed forms must read back as the same reference.
    assert.deepEqual(parseReference(row.canonical, row.options), row.want);
    assert.deepEqual(parseReference(row.familiar, row.options), row.want);
  });
}

// [input, code, fragment of the reason]
const INVALID: [string, string, string][] = [
  ["", "REFERENCE_INVALID", "it is empty"],
  [" alpine", "REFERENCE_INVALID", "leading or trailing whitespace"],
  ["alpine ", "REFERENCE_INVALID", "leading or trailing whitespace"],
  ["alpine\n", "REFERENCE_INVALID", "leading or trailing whitespace"],
  ["x y", "REFERENCE_INVALID", 'path component "x y" may only contain'],
  ["https://ghcr.io/x", "REFERENCE_INVALID", 'drop the scheme "https://"'],
  ["http://localhost:5000/x", "REFERENCE_INVALID", 'drop the scheme "http://"'],
  ["docker://alpine", "REFERENCE_INVALID", 'drop the scheme "docker://"'],
  ["UPPER/case", "REFERENCE_INVALID", "repository name must be lowercase"],
  ["host/UPPER", "REFERENCE_INVALID", "repository name must be lowercase"],
  ["Alpine", "REFERENCE_INVALID", "repository name must be lowercase"],
  ["ghcr.io/Org/app", "REFERENCE_INVALID", "repository name must be lowercase"],
  ["[fe80::1%eth0]", "REFERENCE_INVALID", 'bracketed IPv6 registry must be followed by "/"'],
  ["[fe80::1%eth0]:5000/x", "REFERENCE_INVALID", "IPv6 zone"],
  ["[::1]", "REFERENCE_INVALID", 'bracketed IPv6 registry must be followed by "/"'],
  ["[::1]:5000", "REFERENCE_INVALID", 'bracketed IPv6 registry must be followed by "/"'],
  ["[::zz]/x", "REFERENCE_INVALID", 'registry "[::zz]" is not a valid host[:port]'],
  ["-host.com/x", "REFERENCE_INVALID", 'registry "-host.com" is not a valid host[:port]'],
  ["host-.com/x", "REFERENCE_INVALID", 'registry "host-.com" is not a valid host[:port]'],
  ["ex..com/x", "REFERENCE_INVALID", 'registry "ex..com" is not a valid host[:port]'],
  ["ex.com:port/x", "REFERENCE_INVALID", 'registry "ex.com:port" is not a valid host[:port]'],
  ["ex.com:/x", "REFERENCE_INVALID", 'registry "ex.com:" is not a valid host[:port]'],
  ["127.0.0.1:99999/x:1", "REFERENCE_INVALID", 'registry "127.0.0.1:99999" has port 99999, outside 1-65535'],
  ["localhost:0/x", "REFERENCE_INVALID", 'registry "localhost:0" has port 0, outside 1-65535'],
  ["[::1]:70000/x", "REFERENCE_INVALID", 'registry "[::1]:70000" has port 70000, outside 1-65535'],
  ["ghcr.io/", "REFERENCE_INVALID", "repository path after the registry is empty"],
  ["x:", "REFERENCE_INVALID", 'the tag after ":" is empty'],
  [":tag", "REFERENCE_INVALID", "the repository name is empty"],
  ["@" + D, "REFERENCE_INVALID", "the repository name is empty"],
  ["x@", "REFERENCE_INVALID", 'the digest after "@" is empty'],
  ["x@sha256:abc", "DIGEST_INVALID", "the digest is invalid: sha256 needs 64 hex characters, got 3"],
  [`x@md5:${"0".repeat(32)}`, "DIGEST_INVALID", 'algorithm "md5" is not supported'],
  [`x@sha256:${"A".repeat(64)}`, "DIGEST_INVALID", "the digest is invalid"],
  [`x@${"a".repeat(64)}`, "DIGEST_INVALID", "no algorithm prefix"],
  [`x@sha512:${"a".repeat(64)}`, "DIGEST_INVALID", "sha512 needs 128 hex characters"],
  [`x@${D}@${D}`, "DIGEST_INVALID", "the digest is invalid"],
  ["-x", "REFERENCE_INVALID", 'path component "-x" must start and end with a letter or digit'],
  ["x-", "REFERENCE_INVALID", 'path component "x-" must start and end with a letter or digit'],
  ["a/_b", "REFERENCE_INVALID", 'path component "_b" must start and end'],
  ["x//y", "REFERENCE_INVALID", "empty component"],
  ["x/", "REFERENCE_INVALID", "empty component"],
  ["/x", "REFERENCE_INVALID", "empty component"],
  ["a___b", "REFERENCE_INVALID", 'path component "a___b" has a bad separator'],
  ["a.-b", "REFERENCE_INVALID", "has a bad separator"],
  ["a..b", "REFERENCE_INVALID", "has a bad separator"],
  ["a_-b", "REFERENCE_INVALID", "has a bad separator"],
  ["a!b", "REFERENCE_INVALID", 'path component "a!b" may only contain'],
  ["x:1:2", "REFERENCE_INVALID", 'path component "x:1" may only contain'],
  [`x:${"t".repeat(129)}`, "REFERENCE_INVALID", "the tag is 129 characters long; at most 128"],
  ["x:.tag", "REFERENCE_INVALID", 'tag ".tag" may only contain'],
  ["x:-tag", "REFERENCE_INVALID", 'tag "-tag" may only contain'],
  ["x:t!g", "REFERENCE_INVALID", 'tag "t!g" may only contain'],
  [HEX64, "REFERENCE_INVALID", "reads as an image ID"],
  [`${HEX64}:latest`, "REFERENCE_INVALID", "reads as an image ID"],
  [`ex.com/${"a".repeat(249)}`, "REFERENCE_INVALID", "the full name is 256 characters long"],
  ["a".repeat(250), "REFERENCE_INVALID", "the full name is 268 characters long"],
];

for (const [input, code, fragment] of INVALID) {
  const label = input.length > 60 ? `${input.slice(0, 57)}...` : input;
  test(`parseReference refuses ${JSON.stringify(label)} (${code})`, () => {
    assert.throws(
      () => parseReference(input),
      (error: unknown) => {
        assert.ok(error instanceof DigestguardError);
        assert.equal(error.code, code);
        assert.ok(error.message.startsWith('Cannot parse reference "'), error.message);
        assert.ok(error.message.includes(fragment), `${error.message} should include ${fragment}`);
        assert.ok(error.message.endsWith("."), error.message);
        return true;
      },
    );
  });
}

test("a bad digest keeps the digest parser's error as its cause", () => {
  assert.throws(
    () => parseReference("x@sha256:abc"),
    (error: unknown) => {
      assert.ok(error instanceof DigestguardError);
      assert.ok(error.cause instanceof DigestguardError);
      assert.equal(error.cause.code, "DIGEST_INVALID");
      return true;
    },
  );
});

test("an invalid default tag is refused", () => {
  assert.throws(
    () => parseReference("alpine", { defaultTag: "-bad" }),
    /the default tag is invalid: tag "-bad" may only contain/,
  );
});

test("long inputs are shortened in messages", () => {
  assert.throws(
    () => parseReference(`A${"a".repeat(300)}`),
    (error: unknown) => {
      assert.ok(error instanceof DigestguardError);
      assert.ok(error.message.length < 300, error.message);
      return true;
    },
  );
});

const REPOSITORIES: [string, string, string][] = [
  ["alpine", "docker.io", "library/alpine"],
  ["user/app", "docker.io", "user/app"],
  ["index.docker.io/alpine", "docker.io", "library/alpine"],
  ["ghcr.io/x/y", "ghcr.io", "x/y"],
  ["localhost:5000/x", "localhost:5000", "x"],
  ["[::1]:5000/a/b", "[::1]:5000", "a/b"],
];

for (const [input, registry, repository] of REPOSITORIES) {
  test(`parseRepository accepts ${JSON.stringify(input)}`, () => {
    assert.deepEqual(parseRepository(input), { registry, repository });
  });
}

const BAD_REPOSITORIES: [string, string][] = [
  ["alpine:3", 'a repository takes no tag; drop ":3"'],
  [`alpine@${D}`, "a repository takes no digest"],
  ["UPPER/x", "repository name must be lowercase"],
  ["", "it is empty"],
  ["https://ghcr.io/x", "drop the scheme"],
];

for (const [input, fragment] of BAD_REPOSITORIES) {
  test(`parseRepository refuses ${JSON.stringify(input)}`, () => {
    assert.throws(
      () => parseRepository(input),
      (error: unknown) => {
        assert.ok(error instanceof DigestguardError);
        assert.equal(error.code, "REFERENCE_INVALID");
        assert.ok(error.message.startsWith(`Cannot parse repository ${JSON.stringify(input)}: `), error.message);
        assert.ok(error.message.includes(fragment), error.message);
        return true;
      },
    );
  });
}

test("withDigest keeps the tag and sets the digest", () => {
  const pinned = withDigest(parseReference("alpine:3.19"), D);
  assert.deepEqual(pinned, { registry: "docker.io", repository: "library/alpine", tag: "3.19", digest: D });
  assert.equal(formatReference(pinned), `docker.io/library/alpine:3.19@${D}`);
  assert.deepEqual(withDigest(pinned, D512).digest, D512);
});

test("familiarReference keeps docker.io/ when a Hub namespace would read as a host", () => {
  assert.equal(
    familiarReference({ registry: "docker.io", repository: "foo.com/x", tag: "1" }),
    "docker.io/foo.com/x:1",
  );
  assert.equal(familiarReference({ registry: "index.docker.io", repository: "library/alpine" }), "alpine");
});

const HUB_NAMES: [string, boolean, string][] = [
  ["docker.io", true, "registry-1.docker.io"],
  ["index.docker.io", true, "registry-1.docker.io"],
  ["registry-1.docker.io", true, "registry-1.docker.io"],
  ["Docker.IO", true, "registry-1.docker.io"],
  ["ghcr.io", false, "ghcr.io"],
  ["localhost:5000", false, "localhost:5000"],
  ["docker.io:443", false, "docker.io:443"],
];

for (const [registry, hub, endpoint] of HUB_NAMES) {
  test(`isDockerHub/registryEndpointHost for ${registry}`, () => {
    assert.equal(isDockerHub(registry), hub);
    assert.equal(registryEndpointHost(registry), endpoint);
  });
}
