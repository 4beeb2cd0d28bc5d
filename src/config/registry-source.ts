/** A value and the file (or flag, or variable) it came from. */
export interface Sourced<T> {
  value: T;
  from: string;
}

/** A mirror of a registry and where it was configured. */
export interface SourcedMirror extends Sourced<string> {
  /** The mirror may be reached over plain HTTP or unverified TLS. */
  insecure?: boolean;
}

/**
 * What one settings file says about one registry host. Readers of
 * registries.conf, daemon.json, hosts.toml and certs.d each produce these;
 * {@link mergeRegistrySettings} combines them.
 */
export interface RegistryFacts {
  host: string;
  mirrors?: SourcedMirror[];
  insecure?: Sourced<boolean>;
  blocked?: Sourced<boolean>;
  caFiles?: Sourced<string>[];
  clientCert?: Sourced<{ certFile: string; keyFile: string }>;
  /** Things the file says that digestguard does not apply, with why. */
  ignored?: Sourced<string>[];
}
