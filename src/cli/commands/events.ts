import { ExitCode } from "../../errors/error.js";
import { readEvents, renderEvents } from "../../watch/events-report.js";
import { openHistory } from "../open-history.js";
import type { GlobalOptions } from "../global-options.js";
import { positiveNumber } from "../registry-client-from-options.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard events`. */
export interface EventsFlags extends GlobalOptions {
  pending?: boolean;
  limit?: string;
  ref?: string;
  db?: string;
}

/** `digestguard events [--pending]`. */
export async function eventsCommand(flags: EventsFlags): Promise<number> {
  const limit = flags.limit === undefined ? undefined : Math.floor(positiveNumber(flags.limit, "--limit"));
  const history = await openHistory(flags, { readonly: true });
  try {
    const report = await readEvents(history, {
      ...(flags.pending ? { pending: true } : {}),
      ...(limit ? { limit } : {}),
      ...(flags.ref ? { reference: flags.ref } : {}),
    });
    await writeOut(flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderEvents(report));
    return ExitCode.ok;
  } finally {
    await history.close();
  }
}
