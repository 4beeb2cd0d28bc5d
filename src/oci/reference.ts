import { DigestguardError, type ErrorCode } from "../errors/error.js";
import { parseDigest, type Digest } from "./digest.js";

/** A parsed image reference: where the image lives and which version of it is meant. */
export interface Reference {
  /** Normalized `host[:port]`, lowercase; Docker Hub is always `docker.io`. */
  registry: string;
  /** Repository path; `library/alpine` for official Docker Hub images. */
  repository: string;
  /** Absent when only a digest was given (or with `defaultTag: false`). */
  tag?: string;
  digest?: Digest;
}

const HUB = "docker.io";
const HUB_ALIASES = new Set([HUB, "index.docker.io", "registry-1.docker.io"]);
const HUB_ENDPOINT = "registry-1.docker.io";
const NAME_MAX = 255;
const TAG_MAX = 128;
const LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]*$/;
const IMAGE_ID = /^[a-f0-9]{64}$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

type Fail = (reason: string, code?: ErrorCode, cause?: unknown) => never;

/**
 * Parse an image reference with the full distribution grammar
 * (`[host[:port]/]path[:tag][@digest]`, hosts being DNS names, IPv4 or
 * bracketed IPv6 without zone) and normalize it the way Docker does: a first
 * path component without "." or ":" that is not `localhost` means Docker Hub,
 * `index.docker.io` and `registry-1.docker.io` become `docker.io`, and
 * single-component Hub names get `library/`. The registry host is lowercased
 * (DNS is case-insensitive, and one spelling keeps lockfile and cache keys
 * stable); an uppercase first component without "." or ":" is read as a Hub
 * namespace and refused, unlike Docker, which would take it for a host. When
 * neither tag nor digest is given the tag is `options.defaultTag` (default
 * `"latest"`; `false` leaves it absent). A 64-hex name without registry or
 * namespace is refused because it reads as an image ID. Throws
 * `REFERENCE_INVALID`, or `DIGEST_INVALID` for a bad digest part.
 *
 * @example
 * ```ts
 * parseReference("alpine:3.19");
 * // { registry: "docker.io", repository: "library/alpine", tag: "3.19" }
 * parseReference("[::1]:5000/repo@sha256:" + "a".repeat(64)).tag; // undefined
 * ```
 */
export function parseReference(text: string, options: { defaultTag?: string | false } = {}): Reference {
  const fail = failer("reference", text);
  const ref = parseParts(text, "reference", fail);
  const fallback = options.defaultTag ?? "latest";
  if (ref.tag === undefined && ref.digest === undefined && fallback !== false) {
    ref.tag = checkTag(fallback, (reason) => fail(`the default tag is invalid: ${reason}`));
  }
  return ref;
}

/**
 * Parse a repository name (as for listing tags): the same grammar and Docker
 * Hub normalization as {@link parseReference}, but a tag or digest is an error.
 *
 * @example
 * ```ts
 * parseRepository("alpine"); // { registry: "docker.io", repository: "library/alpine" }
 * ```
 */
export function parseRepository(text: string): { registry: string; repository: string } {
  const { registry, repository } = parseParts(text, "repository", failer("repository", text));
  return { registry, repository };
}

/**
 * The canonical, fully qualified form of a reference: registry, repository,
 * then `:tag` and `@digest` when present. Parsing it gives the same reference.
 *
 * @example
 * ```ts
 * formatReference(parseReference("alpine:3.19")); // "docker.io/library/alpine:3.19"
 * ```
 */
export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${suffix(ref)}`;
}

/**
 * The short form Docker shows: Docker Hub's `docker.io/` and `library/`
 * prefixes dropped, other registries kept. Parsing it gives the same reference
 * (so `library/` stays on a 64-hex name, which alone would read as an image ID).
 *
 * @example
 * ```ts
 * familiarReference(parseReference("docker.io/library/alpine:3.19")); // "alpine:3.19"
 * familiarReference(parseReference("ghcr.io/x/y:1")); // "ghcr.io/x/y:1"
 * ```
 */
export function familiarReference(ref: Reference): string {
  if (!isDockerHub(ref.registry)) return formatReference(ref);
  const repo = ref.repository;
  const official = repo.startsWith("library/") && !repo.includes("/", 8) && !IMAGE_ID.test(repo.slice(8));
  const short = official ? repo.slice(8) : repo;
  // A Hub namespace that looks like a host would re-parse as a registry.
  return `${startsWithDomain(short) ? `${HUB}/` : ""}${short}${suffix(ref)}`;
}

/**
 * A copy of `ref` pinned to `digest`; the tag is kept so the pin still says
 * which tag it came from.
 *
 * @example
 * ```ts
 * formatReference(withDigest(parseReference("alpine:3"), d)); // "docker.io/library/alpine:3@sha256:…"
 * ```
 */
export function withDigest(ref: Reference, digest: Digest): Reference {
  return { ...ref, digest };
}

/**
 * Whether a registry name is Docker Hub under any of its names
 * (`docker.io`, `index.docker.io`, `registry-1.docker.io`), in any case.
 *
 * @example
 * ```ts
 * isDockerHub("index.docker.io"); // true
 * ```
 */
export function isDockerHub(registry: string): boolean {
  return HUB_ALIASES.has(registry.toLowerCase());
}

/**
 * The host to send registry API requests to: Docker Hub serves the API on
 * `registry-1.docker.io`, every other registry on its own name.
 *
 * @example
 * ```ts
 * registryEndpointHost("docker.io"); // "registry-1.docker.io"
 * registryEndpointHost("ghcr.io");   // "ghcr.io"
 * ```
 */
export function registryEndpointHost(registry: string): string {
  return isDockerHub(registry) ? HUB_ENDPOINT : registry;
}

/**
 * Whether a text is a tag name of the distribution grammar (`\w[\w.-]{0,127}`).
 * Tags a registry lists, and tags put into an API path, must pass it: a
 * `/`, `..`, `?` or `#` in one would address another path on the registry.
 *
 * @example
 * ```ts
 * isTag("3.19-alpine"); // true
 * isTag("1/../../other/manifests/latest"); // false
 * ```
 */
export function isTag(text: string): boolean {
  return text.length <= TAG_MAX && TAG.test(text);
}

function parseParts(text: string, kind: "reference" | "repository", fail: Fail): Reference {
  if (text === "") fail("it is empty");
  if (text.trim() !== text) fail("it has leading or trailing whitespace");
  const scheme = SCHEME.exec(text);
  if (scheme !== null) fail(`drop the scheme "${scheme[0]}"; a reference starts with the registry host`);
  if (text.startsWith("[") && !text.includes("/"))
    fail('a bracketed IPv6 registry must be followed by "/" and a repository');
  const at = text.indexOf("@");
  const digestText = at === -1 ? undefined : text.slice(at + 1);
  const nameAndTag = at === -1 ? text : text.slice(0, at);
  const colon = nameAndTag.lastIndexOf(":");
  const tag = colon > nameAndTag.lastIndexOf("/") ? nameAndTag.slice(colon + 1) : undefined;
  if (kind === "repository" && tag !== undefined) fail(`a repository takes no tag; drop ":${tag}"`);
  if (kind === "repository" && digestText !== undefined) fail(`a repository takes no digest; drop "@${digestText}"`);
  const ref = splitName(tag === undefined ? nameAndTag : nameAndTag.slice(0, colon), fail);
  const length = ref.registry.length + 1 + ref.repository.length;
  if (length > NAME_MAX)
    fail(`the full name is ${length} characters long (registry included); at most ${NAME_MAX} are allowed`);
  if (tag !== undefined) ref.tag = checkTag(tag, fail);
  if (digestText !== undefined) ref.digest = checkDigest(digestText, fail);
  return ref;
}

function splitName(name: string, fail: Fail): Reference {
  if (name === "") fail("the repository name is empty");
  const slash = startsWithDomain(name) ? name.indexOf("/") : -1;
  const registry = slash === -1 ? HUB : checkRegistry(name.slice(0, slash), fail);
  const repository = checkPath(name.slice(slash + 1), fail);
  if (slash === -1 && IMAGE_ID.test(repository)) {
    fail("a 64-character hex name reads as an image ID; write docker.io/library/<name> if it is a repository");
  }
  const official = registry === HUB && !repository.includes("/");
  return { registry, repository: official ? `library/${repository}` : repository };
}

function checkRegistry(domain: string, fail: Fail): string {
  if (domain.includes("%")) fail(`registry "${domain}" has an IPv6 zone ("%…"), which references cannot carry`);
  if (!DOMAIN.test(domain)) fail(`registry "${domain}" is not a valid host[:port]`);
  // The grammar allows any digits; a port no socket can have would only fail later, deep in URL handling.
  const port = /:(\d+)$/.exec(domain)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    fail(`registry "${domain}" has port ${Number(port)}, outside 1-65535`);
  const lower = domain.toLowerCase();
  return HUB_ALIASES.has(lower) ? HUB : lower;
}

function startsWithDomain(name: string): boolean {
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  return first === "localhost" || /[.:[]/.test(first);
}

function checkPath(path: string, fail: Fail): string {
  if (path === "") fail("the repository path after the registry is empty");
  if (path.toLowerCase() !== path) fail("repository name must be lowercase");
  for (const component of path.split("/")) {
    if (component === "") fail('the repository path has an empty component (a doubled, leading or trailing "/")');
    if (PATH_COMPONENT.test(component)) continue;
    if (/[^a-z0-9._-]/.test(component))
      fail(`path component "${component}" may only contain a-z, 0-9, ".", "_" and "-"`);
    if (!/^[a-z0-9].*[a-z0-9]$|^[a-z0-9]$/.test(component)) {
      fail(`path component "${component}" must start and end with a letter or digit`);
    }
    fail(
      `path component "${component}" has a bad separator; use ".", "_", "__" or a run of "-" between letters and digits`,
    );
  }
  return path;
}

function checkTag(tag: string, fail: Fail): string {
  if (tag === "") fail('the tag after ":" is empty');
  if (tag.length > TAG_MAX) fail(`the tag is ${tag.length} characters long; at most ${TAG_MAX} are allowed`);
  if (!TAG.test(tag))
    fail(`tag "${tag}" may only contain letters, digits, "_", "." and "-", and must not start with "." or "-"`);
  return tag;
}

function checkDigest(text: string, fail: Fail): Digest {
  if (text === "") fail('the digest after "@" is empty');
  try {
    return parseDigest(text);
  } catch (error) {
    if (!(error instanceof DigestguardError)) throw error;
    // parseDigest says `Cannot parse digest "…": <reason>.`; keep only the reason.
    const cut = error.message.lastIndexOf('": ');
    const reason = cut === -1 ? error.message : error.message.slice(cut + 3).replace(/\.$/, "");
    return fail(`the digest is invalid: ${reason}`, error.code, error);
  }
}

function suffix(ref: Reference): string {
  return `${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}

function failer(kind: string, text: string): Fail {
  const shown = JSON.stringify(text.length > 100 ? `${text.slice(0, 97)}...` : text);
  return (reason, code = "REFERENCE_INVALID", cause) => {
    throw new DigestguardError(code, `Cannot parse ${kind} ${shown}: ${reason}.`, cause === undefined ? {} : { cause });
  };
}
