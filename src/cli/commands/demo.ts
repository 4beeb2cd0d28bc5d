import { runDemo } from "../../demo/run-demo.js";
import type { GlobalOptions } from "../global-options.js";
import type { ActionContext } from "../run-action.js";

/** `digestguard demo`: the offline tour. */
export async function demoCommand(flags: GlobalOptions & { dir?: string }, { signal }: ActionContext): Promise<number> {
  const world = await runDemo({ dir: flags.dir, signal, write: (text) => process.stdout.write(text) });
  process.stdout.write(`\nEverything stays in ${world.dir}; replay any step with the commands shown.\n`);
  return 0;
}
