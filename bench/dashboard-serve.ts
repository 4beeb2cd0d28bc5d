// Serves the dashboard over an existing history file, for bench/dashboard-bench.ts:
// its own process, so the clients measuring it never share its event loop.
//   node dist/bench/dashboard-serve.js HISTORY.sqlite
import { watchMetrics } from "../src/dashboard/metrics.js";
import { startDashboard } from "../src/dashboard/start-dashboard.js";
import { SqliteHistoryStore } from "../src/history/sqlite-history-store.js";
import { lineLogger } from "../src/watch/watch-log.js";

const history = SqliteHistoryStore.open(process.argv[2] as string);
const server = await startDashboard({ host: "127.0.0.1", port: 0 }, undefined, {
  history,
  targets: () => [],
  metrics: watchMetrics(history),
  ready: () => true,
  checkNow: async () => {},
  retryDelivery: async () => false,
  log: lineLogger("text", (line) => process.stderr.write(line)),
});
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", () => void server.close().then(() => history.close()));
