import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";

// The shapes the transport and its helpers share, kept apart so that the
// helpers (deadlines, error translation) need not import the transport.

/** How to talk TLS to one registry host. */
export interface TlsSettings {
  /** Skip certificate verification (only for hosts the user marked insecure). */
  insecureSkipVerify?: boolean;
  /** Extra CA certificates (PEM text) trusted for this host, on top of the system roots. */
  caPem?: string[];
  /** Client certificate (PEM) shown to a registry that asks for one (mutual TLS). */
  clientCertPem?: string;
  /** The client certificate's private key (PEM). */
  clientKeyPem?: string;
}

/** One HTTP request as the registry layer sends it. */
export interface HttpRequest {
  method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  url: URL;
  headers?: Record<string, string>;
  body?: Uint8Array | Readable | string;
  signal?: AbortSignal;
  tls?: TlsSettings;
  /**
   * A body read as a stream for as long as it keeps moving (a blob, an
   * upload): only the idle timeout applies to it. Anything else is a small
   * document that must arrive whole within `totalMs`.
   */
  streaming?: boolean;
}

/** A response; the caller must consume or `dump()` the body. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
  /** The URL that finally answered, after redirects. */
  url: URL;
}

/** Time limits for one request. */
export interface HttpTimeouts {
  connectMs: number;
  headersMs: number;
  /** Idle time allowed between body bytes. */
  bodyMs: number;
  /** The whole exchange of a small document (not `streaming`): a trickling server is cut off here. */
  totalMs: number;
}
