// The shell pipelines `verify` is measured against: the same blobs, fetched
// with the same parallelism (one process chain per layer, all at once, as
// `&` and `wait` run them) and hashed by OpenSSL — the floor of what a
// fetch-and-hash can cost on this machine.

/** Quote one word for bash. */
function quote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

function parallel(commands: string[]): string[] {
  return ["bash", "-c", `${commands.map((c) => `(${c}) &`).join("\n")}\nwait`];
}

/**
 * `curl -s URL | openssl dgst -sha256`, one per blob, in parallel.
 *
 * @example
 * ```ts
 * await timeCommand("/usr/bin/time", [...curlOpensslPipeline(urls)]);
 * ```
 */
export function curlOpensslPipeline(urls: string[]): string[] {
  return parallel(urls.map((url) => `curl -sf ${quote(url)} | openssl dgst -sha256`));
}

/**
 * `curl | tee >(openssl dgst -sha256) | gzip -dc | openssl dgst -sha256`,
 * one per layer, in parallel: what `verify --deep` does.
 *
 * @example
 * ```ts
 * const [command, ...args] = curlDeepPipeline(urls);
 * ```
 */
export function curlDeepPipeline(urls: string[]): string[] {
  return parallel(
    urls.map((url) => `curl -sf ${quote(url)} | tee >(openssl dgst -sha256) | gzip -dc | openssl dgst -sha256`),
  );
}

/**
 * `openssl dgst -sha256 FILE`, one per file, in parallel.
 *
 * @example
 * ```ts
 * const [command, ...args] = parallelOpenssl(cachedFiles);
 * ```
 */
export function parallelOpenssl(files: string[]): string[] {
  return parallel(files.map((file) => `openssl dgst -sha256 ${quote(file)}`));
}
