import { ExitCode } from "../../errors/error.js";
import { loadConfig } from "../../config/load-config.js";
import { openHistory } from "../open-history.js";
import { watchPlan } from "../../watch/watch-plan.js";
import { sendTestEvent } from "../../watch/send-test-event.js";
import { lineLogger } from "../../watch/watch-log.js";
import type { GlobalOptions } from "../global-options.js";
import type { ActionContext } from "../run-action.js";

/** Flags of `digestguard notify test`. */
export interface NotifyFlags extends GlobalOptions {
  to?: string;
  db?: string;
}

/** `digestguard notify test`: exits 0 when every notifier took it, 5 when one did not (it stays in the outbox). */
export async function notifyTestCommand(flags: NotifyFlags, { signal }: ActionContext): Promise<number> {
  const plan = watchPlan((await loadConfig(flags.config ? { path: flags.config } : {})).config.watch, []);
  const history = await openHistory(flags);
  try {
    const log = lineLogger("text", (line) => process.stderr.write(line));
    const pass = await sendTestEvent(history, plan, { ...(flags.to ? { only: flags.to } : {}), log, signal });
    return pass.failed > 0 ? ExitCode.unavailable : ExitCode.ok;
  } finally {
    await history.close();
  }
}
