import { ExitCode } from "../../errors/error.js";
import { copyHistory } from "../../history/copy-history.js";
import type { HistoryStatus } from "../../history/history-store.js";
import type { GlobalOptions } from "../global-options.js";
import { openHistory } from "../open-history.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard db …`. */
export interface DbFlags extends GlobalOptions {
  db?: string;
  from?: string;
  to?: string;
}

/** `digestguard db migrate`: opening the history migrates it; then show where it stands. */
export async function dbMigrateCommand(flags: DbFlags): Promise<number> {
  const history = await openHistory(flags);
  try {
    await render(await history.status(), flags);
    return ExitCode.ok;
  } finally {
    await history.close();
  }
}

/** `digestguard db status`: backend, schema version, counts; changes nothing. */
export async function dbStatusCommand(flags: DbFlags): Promise<number> {
  const history = await openHistory(flags, { readonly: true });
  try {
    await render(await history.status(), flags);
    return ExitCode.ok;
  } finally {
    await history.close();
  }
}

/** `digestguard db copy --from sqlite:PATH --to postgres://…`. */
export async function dbCopyCommand(flags: DbFlags): Promise<number> {
  const report = await copyHistory(flags.from as string, flags.to as string);
  const c = report.copied;
  await writeOut(
    flags.json === true
      ? `${JSON.stringify(report, null, 2)}\n`
      : `copied ${c.observations} observations, ${c.events} events, ${c.deliveries} deliveries, ${c.knownTags} known tags from ${report.from} to ${report.to}\n`,
  );
  return ExitCode.ok;
}

async function render(status: HistoryStatus, flags: DbFlags): Promise<void> {
  if (flags.json === true) return writeOut(`${JSON.stringify({ schemaVersion: 1, ...status }, null, 2)}\n`);
  const c = status.counts;
  await writeOut(
    [
      `backend:   ${status.backend} (${status.location})`,
      `schema:    version ${status.schema.version} of ${status.schema.latest}`,
      `rows:      ${c.observations} observations, ${c.events} events, ${c.deliveries} deliveries (${c.pendingDeliveries} pending), ${c.knownTags} known tags`,
      "",
    ].join("\n"),
  );
}
