import { Agent, request } from "undici";
import { HARNESS_USER_AGENT } from "./loopback.js";
import { TOKEN_SERVICE, type RunningRegistry } from "./registry.js";

/**
 * Delete a manifest by digest from a harness registry
 * (`DELETE /v2/<name>/manifests/<digest>`), as an upstream maintainer or a
 * retention policy would, with whatever auth the registry's mode needs: a
 * bearer token with `delete` scope from the issuer in token mode, basic
 * credentials in basic mode. The registry also removes the tags that point
 * to it. Sent as the harness, so request logs leave it out.
 *
 * @example
 * ```ts
 * await deleteManifest(registry, "team/app", image.root.digest);
 * ```
 */
export async function deleteManifest(registry: RunningRegistry, repository: string, digest: string): Promise<void> {
  const dispatcher = new Agent(registry.caPem === undefined ? {} : { connect: { ca: registry.caPem } });
  try {
    const headers: Record<string, string> = { "user-agent": HARNESS_USER_AGENT };
    const basic =
      registry.username === undefined
        ? undefined
        : `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString("base64")}`;
    if (registry.tokenIssuer !== undefined && basic !== undefined) {
      const url = `${registry.tokenIssuer.realm}?service=${TOKEN_SERVICE}&scope=${encodeURIComponent(`repository:${repository}:delete`)}`;
      const response = await request(url, {
        dispatcher,
        headers: { authorization: basic, "user-agent": HARNESS_USER_AGENT },
      });
      if (response.statusCode !== 200)
        throw new Error(`Cannot get a delete token: HTTP ${response.statusCode} ${await response.body.text()}`);
      headers.authorization = `Bearer ${((await response.body.json()) as { token: string }).token}`;
    } else if (basic !== undefined) {
      headers.authorization = basic;
    }
    const response = await request(`${registry.url}/v2/${repository}/manifests/${digest}`, {
      method: "DELETE",
      dispatcher,
      headers,
    });
    const body = await response.body.text();
    if (response.statusCode !== 202)
      throw new Error(`Cannot delete ${repository}@${digest}: HTTP ${response.statusCode} ${body}`);
  } finally {
    await dispatcher.close();
  }
}
