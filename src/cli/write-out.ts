/**
 * Write to stdout and wait until it is flushed, so piping into `head` or a
 * file never truncates output; EPIPE (reader went away) ends quietly.
 *
 * @example
 * ```ts
 * await writeOut("done\n");
 * ```
 */
export function writeOut(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (error) => {
      if (error === null || error === undefined || (error as NodeJS.ErrnoException).code === "EPIPE") resolve();
      else reject(error);
    });
  });
}
