import type { EffectiveRegistry, EffectiveSettings } from "../../config/effective-registries.js";
import { credentialSource } from "../../registry/auth/credential-source.js";
import type { GlobalOptions } from "../global-options.js";
import { configuredMirrors, effectiveOf } from "../registry-client-from-options.js";
import { writeOut } from "../write-out.js";

/** One registry as `config show` reports it (`--json` schema version 1). */
export interface ShownRegistry {
  host: string;
  mirrors: { location: string; from: string; insecure?: boolean }[];
  insecure?: { value: boolean; from: string };
  blocked?: { value: boolean; from: string };
  ca: { file: string; from: string }[];
  clientCert?: { cert: string; key: string; from: string };
  credentials: string;
  ignored: { what: string; from: string }[];
}

/**
 * `digestguard config show [HOST...]`: the effective settings per registry —
 * mirrors, TLS trust, client certificate, where credentials come from (never
 * the secret) — each with the file it came from.
 */
export async function configShowCommand(hosts: string[], flags: GlobalOptions): Promise<number> {
  const settings = await effectiveOf(flags);
  const flagMirrors = await configuredMirrors(flags);
  const named = hosts.length > 0 ? hosts : settings.registries.map((r) => r.host);
  const shown: ShownRegistry[] = [];
  for (const host of named) {
    const found = settings.registries.find((r) => r.host === host) ?? { host, mirrors: [], caFiles: [], ignored: [] };
    shown.push(await show(found, flags, flagMirrors[host] ?? []));
  }
  const everyHost = {
    ca: settings.everyHost.caFiles.map((c) => ({ file: c.value, from: c.from })),
    ...(flags.insecure ? { insecure: { value: true, from: "--insecure" } } : {}),
  };
  if (flags.json) {
    await writeOut(
      `${JSON.stringify({ schemaVersion: 1, everyHost, registries: shown, consulted: settings.consulted }, null, 2)}\n`,
    );
  } else {
    await writeOut(renderShown(shown, settings, flags));
  }
  return 0;
}

async function show(r: EffectiveRegistry, flags: GlobalOptions, flagMirrors: string[]): Promise<ShownRegistry> {
  // --mirror flags add to what the files say, after them, as the client applies them.
  const fromFiles = r.mirrors.map((m) => ({
    location: m.value,
    from: m.from,
    ...(m.insecure ? { insecure: true } : {}),
  }));
  const extra = flagMirrors
    .filter((m) => !r.mirrors.some((f) => f.value === m))
    .map((location) => ({ location, from: "--mirror" }));
  return {
    host: r.host,
    mirrors: [...fromFiles, ...extra],
    ...(r.insecure ? { insecure: r.insecure } : {}),
    ...(r.blocked ? { blocked: r.blocked } : {}),
    ca: [
      ...r.caFiles.map((c) => ({ file: c.value, from: c.from })),
      ...(flags.caFile ?? []).map((file) => ({ file, from: "--ca-file" })),
    ],
    ...(r.clientCert
      ? { clientCert: { cert: r.clientCert.value.certFile, key: r.clientCert.value.keyFile, from: r.clientCert.from } }
      : {}),
    credentials: await credentialSource(r.host, {
      creds: flags.creds,
      authFile: flags.authfile,
      explicitFor: new Set([r.host]),
    }),
    ignored: r.ignored.map((i) => ({ what: i.value, from: i.from })),
  };
}

function renderShown(shown: ShownRegistry[], settings: EffectiveSettings, flags: GlobalOptions): string {
  const lines: string[] = [];
  for (const ca of settings.everyHost.caFiles) lines.push(`every registry: trust CA ${ca.value}  (from ${ca.from})`);
  if (flags.insecure) lines.push("every registry: insecure  (from --insecure)");
  for (const r of shown) {
    lines.push(`${lines.length > 0 ? "\n" : ""}${r.host}`);
    for (const m of r.mirrors)
      lines.push(`  mirror       ${m.location}${m.insecure ? " (insecure)" : ""}  (from ${m.from})`);
    if (r.insecure) lines.push(`  insecure     ${r.insecure.value}  (from ${r.insecure.from})`);
    if (r.blocked) lines.push(`  blocked      ${r.blocked.value}  (from ${r.blocked.from})`);
    for (const ca of r.ca) lines.push(`  trust CA     ${ca.file}  (from ${ca.from})`);
    if (r.clientCert)
      lines.push(`  client cert  ${r.clientCert.cert} key ${r.clientCert.key}  (from ${r.clientCert.from})`);
    lines.push(`  credentials  ${r.credentials}`);
    for (const i of r.ignored) lines.push(`  ignored      ${i.what}  (from ${i.from})`);
  }
  if (shown.length === 0)
    lines.push("No registry settings found. Consulted:", ...settings.consulted.map((p) => `  ${p}`));
  return `${lines.join("\n")}\n`;
}
