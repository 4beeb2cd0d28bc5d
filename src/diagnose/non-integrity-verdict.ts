import type { ParsedErrorText } from "./error-shapes.js";
import { adviceFor } from "./tool-advice.js";

/** A verdict for an error that is not about content: what it is instead, and what to do. */
export interface NonIntegrity {
  cause:
    | "auth"
    | "rate-limited"
    | "network-error"
    | "disk-full"
    | "local-storage-error"
    | "registry-error"
    | "proxy-answer";
  explanation: string;
  nextSteps: string[];
}

const NOT = "Not a content-integrity error:";
// Reasons dockerd gives for a failed unpack that are about the local machine, not the layer.
const LOCAL_REASONS =
  /permission denied|operation not permitted|lchown|invalid argument|no such file or directory|read-only file system|mount namespace/i;

/**
 * Whether the error says nothing about content matching its digest — a
 * refused login, a rate limit, the network, a full disk, the local storage,
 * a server error — and, if so, the verdict: said as such, with advice for
 * that problem and none about the digest pin, which is not involved.
 *
 * @example
 * ```ts
 * nonIntegrityVerdict(parseErrorText("net/http: TLS handshake timeout"))?.cause; // "network-error"
 * ```
 */
export function nonIntegrityVerdict(parsed: ParsedErrorText): NonIntegrity | undefined {
  const advice = adviceFor(parsed.tool, parsed.imageReference === undefined ? {} : { image: parsed.imageReference });
  switch (parsed.shape) {
    case "unauthorized":
      return {
        cause: "auth",
        explanation: `${NOT} the registry refused the credentials (or none were sent), or the repository does not exist under that name.`,
        nextSteps: [
          "Log in where the builder pulls (`docker login`, `podman login`, an imagePullSecret for kubelet), or check the repository name; digestguard reads ~/.docker/config.json and credential helpers (or pass --creds).",
        ],
      };
    case "toomanyrequests":
      return {
        cause: "rate-limited",
        explanation: `${NOT} the registry is rate limiting pulls.`,
        nextSteps: ["Authenticate the pulls, wait, or pull through a mirror.", advice.mirrors],
      };
    case "network":
      return {
        cause: "network-error",
        explanation: `${NOT} the registry was not reached (${networkReason(parsed.matchedLine)}).`,
        nextSteps: [
          "Check DNS, proxy and firewall settings between the builder and the registry, and the registry's certificate authority for x509 errors; retry when it is reachable.",
          advice.mirrors,
        ],
      };
    case "disk-full":
      return {
        cause: "disk-full",
        explanation: `${NOT} the disk the builder writes to is full.`,
        nextSteps: [
          "Free space where the builder keeps images (`docker system prune`, `crictl rmi --prune`, `podman system prune`) or give it a bigger disk, then retry.",
        ],
      };
    case "registry-error":
      return {
        cause: "registry-error",
        explanation: `${NOT} the registry or a proxy in front of it answered with a server error.`,
        nextSteps: ["Retry later; if it persists, report it to the registry's or proxy's operators.", advice.mirrors],
      };
    case "unexpected-media-type":
      return {
        cause: "proxy-answer",
        explanation: `${NOT} something between the builder and the registry (a proxy, captive portal or mirror) answered with a web page instead of registry content.`,
        nextSteps: [
          "Check the proxy or mirror the builder pulls through; pull from the registry directly to confirm.",
          advice.mirrors,
        ],
      };
    case "layer-register-failed":
      return LOCAL_REASONS.test(parsed.matchedLine) || !/EOF|invalid tar|checksum/i.test(parsed.matchedLine)
        ? {
            cause: "local-storage-error",
            explanation: `${NOT} the layer downloaded and verified, but unpacking it failed on this machine (${parsed.matchedLine.slice(0, 160)}).`,
            nextSteps: [
              "Check the storage driver, permissions and rootless setup of the engine (`docker info`); unpack errors like this do not depend on the registry.",
            ],
          }
        : undefined;
    default:
      return undefined;
  }
}

function networkReason(line: string): string {
  return (
    /TLS handshake timeout|i\/o timeout|connection refused|no such host|x509: ?certificate[^,;)"]*|context canceled|context deadline exceeded|network is unreachable/i.exec(
      line,
    )?.[0] ?? "a network error"
  );
}
