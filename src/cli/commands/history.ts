import { ExitCode } from "../../errors/error.js";
import { openHistory } from "../open-history.js";
import { readTimeline, renderTimeline } from "../../watch/timeline.js";
import type { GlobalOptions } from "../global-options.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard history`. */
export interface HistoryFlags extends GlobalOptions {
  at?: string;
  db?: string;
}

/** `digestguard history REF [--at TIME]`: exits 3 when the tag was never observed (then). */
export async function historyCommand(ref: string, flags: HistoryFlags): Promise<number> {
  const history = await openHistory(flags, { readonly: true });
  try {
    const report = await readTimeline(history, ref, flags.at === undefined ? {} : { at: flags.at });
    await writeOut(flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderTimeline(report));
    return report.observations.length === 0 ? ExitCode.notFound : ExitCode.ok;
  } finally {
    await history.close();
  }
}
