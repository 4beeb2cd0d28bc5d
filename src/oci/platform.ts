import { DigestguardError } from "../errors/error.js";
import type { Platform } from "./descriptor.js";

const COMPONENT = /^[a-z0-9_.-]+$/;
const OS_VERSION = /^[A-Za-z0-9_.-]+$/;

/**
 * Parse a platform as written on command lines and in config:
 * `os/architecture[/variant][:os.version]`, for example `linux/arm64/v8` or
 * `windows/amd64:10.0.17763.1234`. The os, architecture and variant are
 * lowercased but not normalized (see {@link normalizePlatform}), so what the
 * user wrote is what gets shown back. Throws `PLATFORM_INVALID`.
 *
 * @example
 * ```ts
 * parsePlatform("linux/arm/v7"); // { os: "linux", architecture: "arm", variant: "v7" }
 * ```
 */
export function parsePlatform(text: string): Platform {
  const fail = (reason: string): never => {
    throw new DigestguardError("PLATFORM_INVALID", `Cannot parse platform ${JSON.stringify(text)}: ${reason}.`);
  };
  if (text.trim() !== text) fail("it has leading or trailing whitespace");
  const colon = text.indexOf(":");
  const spec = colon === -1 ? text : text.slice(0, colon);
  const parts = spec.toLowerCase().split("/");
  if (spec === "" || parts.length < 2 || parts.length > 3) {
    fail("expected os/architecture[/variant][:os.version], for example linux/amd64 or linux/arm64/v8");
  }
  for (const part of parts) {
    if (part === "") fail(`it has an empty part; expected os/architecture[/variant]`);
    if (!COMPONENT.test(part)) fail(`"${part}" may only contain letters, digits, "_", "." and "-"`);
  }
  const [os = "", architecture = "", variant] = parts;
  const platform: Platform = { os, architecture };
  if (variant !== undefined) platform.variant = variant;
  if (colon !== -1) {
    const version = text.slice(colon + 1);
    if (!OS_VERSION.test(version)) fail(`os.version "${version}" must be non-empty letters, digits, "_", "." and "-"`);
    platform["os.version"] = version;
  }
  return platform;
}

/**
 * The short text form `os/architecture[/variant][:os.version]`, which
 * {@link parsePlatform} reads back.
 *
 * @example
 * ```ts
 * formatPlatform({ os: "linux", architecture: "arm64", variant: "v8" }); // "linux/arm64/v8"
 * ```
 */
export function formatPlatform(p: Platform): string {
  const variant = p.variant ? `/${p.variant}` : "";
  const version = p["os.version"] ? `:${p["os.version"]}` : "";
  return `${p.os}/${p.architecture}${variant}${version}`;
}

/**
 * The canonical spelling of a platform, as containerd normalizes it: lowercase,
 * `macos` → `darwin`, architecture aliases (`x86_64`/`x86-64` → `amd64`,
 * `aarch64` → `arm64`, `armhf` → `arm` v7, `armel` → `arm` v6, `i386` → `386`),
 * default variants filled in (`arm64` → v8, `arm` → v7), bare variant numbers
 * written as `vN`, and amd64's baseline `v1` dropped. Other fields are kept.
 *
 * @example
 * ```ts
 * normalizePlatform({ os: "linux", architecture: "aarch64" });
 * // { os: "linux", architecture: "arm64", variant: "v8" }
 * ```
 */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  const given = p.variant ? p.variant.toLowerCase() : undefined;
  const [architecture, variant] = normalizeArchitecture(p.architecture.toLowerCase(), given);
  const normalized: Platform = { ...p, os: os === "macos" ? "darwin" : os, architecture };
  delete normalized.variant;
  if (variant !== undefined) normalized.variant = variant;
  return normalized;
}

function normalizeArchitecture(arch: string, variant: string | undefined): [string, string | undefined] {
  switch (arch) {
    case "x86_64":
    case "x86-64":
    case "amd64":
      return ["amd64", variant === "v1" || variant === "1" ? undefined : withV(variant)];
    case "aarch64":
    case "arm64":
      if (variant === "9" || variant === "9.0" || variant === "v9.0") return ["arm64", "v9"];
      return ["arm64", variant === undefined || variant === "8" || variant === "v8.0" ? "v8" : withV(variant)];
    case "armhf":
      return ["arm", "v7"];
    case "armel":
      return ["arm", "v6"];
    case "arm":
      return ["arm", variant === undefined ? "v7" : withV(variant)];
    case "i386":
      return ["386", variant];
    default:
      return [arch, variant];
  }
}

function withV(variant: string | undefined): string | undefined {
  return variant !== undefined && /^[0-9]+$/.test(variant) ? `v${variant}` : variant;
}

/**
 * Whether an image built for `candidate` is what `wanted` asks for. Both are
 * normalized first, so a wanted platform without a variant matches the
 * candidate's default variant (`linux/arm64` matches `linux/arm64/v8`) but
 * not another one (`linux/arm` does not match `linux/arm/v6`). `os.version` is
 * compared only when `wanted` sets it, and matches the same version or a
 * longer build of it (`10.0.17763` matches `10.0.17763.1234`).
 *
 * @example
 * ```ts
 * platformMatches(parsePlatform("linux/arm64"), { os: "linux", architecture: "arm64", variant: "v8" }); // true
 * ```
 */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const w = normalizePlatform(wanted);
  const c = normalizePlatform(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture || w.variant !== c.variant) return false;
  const version = w["os.version"];
  if (version === undefined || version === "") return true;
  const actual = c["os.version"] ?? "";
  return actual === version || actual.startsWith(`${version}.`);
}

/**
 * Whether an index entry is a BuildKit attestation manifest (platform
 * `unknown/unknown`) rather than a runnable image.
 *
 * @example
 * ```ts
 * isAttestationPlatform({ os: "unknown", architecture: "unknown" }); // true
 * ```
 */
export function isAttestationPlatform(p: Platform | undefined): boolean {
  return p?.os === "unknown" && p.architecture === "unknown";
}
