import { isIP } from "node:net";
import { DigestguardError } from "../errors/error.js";

/** Where the dashboard listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Read `--listen HOST:PORT` (`[::1]:8080` for IPv6; a bare port means 127.0.0.1).
 *
 * @example
 * ```ts
 * parseListenAddress("127.0.0.1:8080"); // { host: "127.0.0.1", port: 8080 }
 * parseListenAddress("8080"); // { host: "127.0.0.1", port: 8080 }
 * ```
 */
export function parseListenAddress(text: string): ListenAddress {
  const bare = /^\d{1,5}$/.test(text.trim());
  const match = bare
    ? [text, undefined, undefined, text.trim()]
    : /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]/]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    throw new DigestguardError(
      "USAGE",
      `Cannot listen on "${text}": expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080.`,
    );
  }
  return { host: match[1] ?? match[2] ?? "127.0.0.1", port };
}

/**
 * Whether a host name or address is loopback: `localhost`, 127.0.0.0/8, `::1`.
 *
 * @example
 * ```ts
 * isLoopback("127.0.0.1"); // true
 * isLoopback("0.0.0.0"); // false: every interface
 * ```
 */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  if (bare.startsWith("::ffff:")) return isLoopback(bare.slice(7));
  return isIP(bare) === 4 && bare.startsWith("127.");
}
