import { runDemo } from "../../demo/run-demo.js";
import type { GlobalOptions } from "../global-options.js";
import type { ActionContext } from "../run-action.js";

/** `digestguard demo`: the offline tour. */
export async function demoCommand(flags: GlobalOptions & { dir?: string }, { signal }: ActionContext): Promise<number> {
  const dir = await runDemo({ dir: flags.dir, signal, write: (text) => process.stdout.write(text) });
  process.stdout.write(`\nThe layout stays at ${dir}; try: digestguard inspect oci:${dir}:1.0\n`);
  return 0;
}
