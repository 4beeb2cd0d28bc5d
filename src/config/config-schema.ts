import { z } from "zod";

const hostPattern = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d+)?$/;

const registrySettings = z.strictObject({
  /** Allow plain HTTP and unverified TLS for this host. */
  insecure: z.boolean().optional(),
  /** PEM file(s) with CAs to trust for this host. */
  ca: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  /** Client certificate and key (PEM files) for a registry that wants mutual TLS. */
  clientCert: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  /** Mirrors tried before this registry for reads: host[:port][/prefix]. */
  mirrors: z.array(z.string().min(1)).optional(),
  /** Serve this registry name from OCI layout folders under this path, one per repository (offline). */
  layout: z.string().min(1).optional(),
});

/** The schema of `digestguard.yaml`, version 1. Unknown keys are errors. */
export const configSchema = z.strictObject({
  version: z.literal(1),
  registries: z.record(z.string().regex(hostPattern, "must be a registry host[:port]"), registrySettings).optional(),
});

/** A validated `digestguard.yaml`. */
export type Config = z.infer<typeof configSchema>;
export type RegistrySettings = z.infer<typeof registrySettings>;
