// The dashboard's figures over 1,000 watched images (a seeded SQLite history,
// the server in its own process):
// 1. the index page in headless Chromium: navigation timing of a fresh load
//    (responseEnd, domContentLoadedEventEnd, loadEventEnd; all from the
//    navigation's start) and first-contentful-paint; transferred bytes of the
//    page and its stylesheet;
// 2. GET /api/v1/images (all 1,000) from 20 concurrent undici clients: p50/p95/p99.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";
import { Agent, request } from "undici";
import { SqliteHistoryStore } from "../src/history/sqlite-history-store.js";
import { launchChromium } from "../test/support/chromium.js";
import { median, writeFigures } from "./measure.js";

const IMAGES = 1000;
const CLIENTS = 20;
const REQUESTS_PER_CLIENT = 25;
const dir = await mkdtemp(join(tmpdir(), "dg-dashboard-bench-"));
// Digests as random-looking as real ones, so compression is not flattered.
const digest = (n: number): string => `sha256:${createHash("sha256").update(String(n)).digest("hex")}`;

async function seed(path: string): Promise<void> {
  const history = SqliteHistoryStore.open(path);
  for (let i = 0; i < IMAGES; i++) {
    const reference = `registry-${i % 5}.example:5000/team/app-${Math.floor(i / 10)}:${i % 10}`;
    const platforms = ["linux/amd64", "linux/arm64"].map((platform, p) => ({
      platform,
      digest: digest(i * 10 + p + 1),
    }));
    const check = (at: string, d: string, events: { kind: "moved"; from: string; to: string }[] = []) =>
      history.recordCheck({
        reference,
        at,
        sighting: { digest: d, platforms },
        events: events.map((e) => ({ ...e, reference, at })),
        notifyTo: () => [],
      });
    await check("2026-11-01T00:00:00.000Z", digest(i * 10));
    if (i % 4 === 0)
      await check("2026-11-15T00:00:00.000Z", digest(i * 10 + 5), [
        { kind: "moved", from: digest(i * 10), to: digest(i * 10 + 5) },
      ]);
    await check("2026-11-29T00:00:00.000Z", digest(i * 10 + (i % 4 === 0 ? 5 : 0)));
  }
  await history.close();
}

function startServer(path: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, "dashboard-serve.js"), path], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve) =>
    child.stdout.once("data", (chunk: Buffer) =>
      resolve({ url: chunk.toString().trim(), stop: () => child.kill("SIGTERM") }),
    ),
  );
}

interface Load {
  responseEnd: number;
  domContentLoadedEventEnd: number;
  loadEventEnd: number;
  firstContentfulPaint: number;
  transferred: number;
  decoded: number;
  rows: number;
}

async function browserFigures(url: string) {
  const browser = await launchChromium();
  const loads: Load[] = [];
  for (let round = 0; round < 6; round++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/`, { waitUntil: "load" });
    loads.push(
      await page.evaluate(() => {
        const perf = (
          globalThis as unknown as { performance: { getEntriesByType(t: string): Record<string, number & string>[] } }
        ).performance;
        const nav = perf.getEntriesByType("navigation")[0] as Record<string, number>;
        const paint = perf.getEntriesByType("paint").find((p) => p["name"] === "first-contentful-paint");
        const resources = perf.getEntriesByType("resource") as Record<string, number>[];
        return {
          responseEnd: nav["responseEnd"] as number,
          domContentLoadedEventEnd: nav["domContentLoadedEventEnd"] as number,
          loadEventEnd: nav["loadEventEnd"] as number,
          firstContentfulPaint: (paint?.["startTime"] as number | undefined) ?? -1,
          transferred:
            (nav["transferSize"] as number) + resources.reduce((n, r) => n + (r["transferSize"] as number), 0),
          decoded:
            (nav["decodedBodySize"] as number) + resources.reduce((n, r) => n + (r["decodedBodySize"] as number), 0),
          rows: 0,
        };
      }),
    );
    (loads.at(-1) as { rows: number }).rows = await page.locator("table.images tbody tr").count();
    await context.close();
  }
  await browser.close();
  const warm = loads.slice(1); // the first load also pays the browser's own start-up
  // A load whose paint entry had not been recorded yet reports -1: left out.
  const ms = (key: keyof Load) => {
    const values = warm.map((l) => l[key]).filter((v) => v >= 0);
    return { median: round(median(values)), max: round(Math.max(...values)), loads: values.length };
  };
  return {
    rows: loads[0]?.rows,
    firstLoadMs: {
      loadEventEnd: round(loads[0]?.loadEventEnd ?? 0),
      firstContentfulPaint: round(loads[0]?.firstContentfulPaint ?? 0),
    },
    responseEndMs: ms("responseEnd"),
    domContentLoadedEventEndMs: ms("domContentLoadedEventEnd"),
    loadEventEndMs: ms("loadEventEnd"),
    firstContentfulPaintMs: ms("firstContentfulPaint"),
    transferredBytes: loads[0]?.transferred,
    decodedBytes: loads[0]?.decoded,
  };
}

async function apiFigures(url: string, encoding: "identity" | "gzip") {
  const dispatcher = new Agent({ connections: CLIENTS });
  // Time to the last byte of the answer; only the warm-up answers are decoded and
  // parsed, so 20 clients' parsing in this one process does not queue on the clock.
  const once = async (check = false): Promise<{ ms: number; bytes: number }> => {
    const start = performance.now();
    const response = await request(`${url}/api/v1/images`, { dispatcher, headers: { "accept-encoding": encoding } });
    const bytes = Buffer.from(await response.body.arrayBuffer());
    const ms = performance.now() - start;
    if (response.statusCode !== 200) throw new Error(`unexpected answer ${response.statusCode}`);
    const text = (encoding === "gzip" ? gunzipSync(bytes) : bytes).toString("utf8");
    if (check && (JSON.parse(text) as { images: unknown[] }).images.length !== IMAGES)
      throw new Error("the list is not 1,000 images long");
    return { ms, bytes: bytes.length };
  };
  let size = 0;
  for (let i = 0; i < CLIENTS; i++) size = (await once(true)).bytes; // warm connections and caches
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < REQUESTS_PER_CLIENT; i++) latencies.push((await once()).ms);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.close();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);
  return {
    encoding,
    bytes: size,
    clients: CLIENTS,
    requests: sorted.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: at(1),
    perSecond: round(sorted.length / seconds),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

try {
  const path = join(dir, "history.sqlite");
  await seed(path);
  const server = await startServer(path);
  try {
    const browser = await browserFigures(server.url);
    const api = [await apiFigures(server.url, "identity"), await apiFigures(server.url, "gzip")];
    const { loadavg } = await import("node:os");
    await writeFigures("dashboard", { images: IMAGES, browser, api, loadAverage: loadavg()[0] });
  } finally {
    server.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
