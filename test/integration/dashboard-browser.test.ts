import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { request } from "undici";
import { SqliteHistoryStore } from "../../src/history/sqlite-history-store.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { buildImage, type BuiltImage } from "../../src/imagebuild/image.js";
import { spawnTracked, type TrackedChild } from "../support/child-reaper.js";
import { chromiumSkipReason, launchChromium } from "../support/chromium.js";
import { jsonLog } from "../support/json-log.js";
import { freeLoopbackPort } from "../support/loopback.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { tempFolders } from "../support/temp-folders.js";

// The dashboard of a real `dg watch --listen` (the bundled CLI) watching the
// real registry, looked at in real headless Chromium: the list, a tag move
// after a triggered cycle, the timeline's points, the pin --update command,
// and markup in an error text shown as text. DIGESTGUARD_SCREENSHOTS=1 saves
// docs/dashboard.png and docs/dashboard-tag.png.

const tempFolder = tempFolders("dashboard-browser");
const BIN = join(import.meta.dirname, "../../../bin/digestguard.js");
const TOKEN = "browser-test-token-0123456789abcdef";
const HOSTILE = `<img id="injected" src="/x" onerror="document.title='owned'"><b>bold</b>`;

function image(seed: string): Promise<BuiltImage> {
  const platform = (architecture: string) => ({
    os: "linux",
    architecture,
    layers: [[{ path: "etc/id", content: `${seed} ${architecture}\n` }]],
  });
  return buildImage({ flavour: "oci", platforms: [platform("amd64"), platform("arm64")] });
}

const skip = registrySkipReason() || chromiumSkipReason();

describe("the dashboard in Chromium", { skip }, () => {
  let registry: RunningRegistry;
  let browser: Browser;
  let watch: TrackedChild;
  let log: ReturnType<typeof jsonLog>;
  let url: string;
  let dir: string;
  let reference: string;
  let v1: BuiltImage;
  let v2: BuiltImage;
  before(async () => {
    registry = await startRegistry({ mode: "http" });
    [v1, v2] = await Promise.all([image("v1"), image("v2")]);
    await pushImage(registry, "team/app", v1, ["1"]);
    await pushImage(registry, "team/base", v1, ["2"]);
    reference = `${registry.host}/team/app:1`;
    dir = await tempFolder();
    const port = await freeLoopbackPort();
    const closedPort = await freeLoopbackPort();
    url = `http://127.0.0.1:${port}`;
    await writeFile(
      join(dir, "digestguard.yaml"),
      [
        "version: 1",
        "watch:",
        "  version: 1",
        '  schedule: "0 0 1 1 *"', // once a year: only the first cycle and the ones the test triggers
        `  images: ["${reference}", "${registry.host}/team/base:2"]`,
        "  lockfile: false",
        "  database: history.sqlite",
        // Nothing listens there: every delivery fails and stays pending, for the retry action.
        `  notifiers: { ops: { type: webhook, url: "http://127.0.0.1:${closedPort}/hook" } }`,
        "  retry: { baseSeconds: 3600 }",
        "  listen:",
        `    address: "127.0.0.1:${port}"`,
      ].join("\n"),
    );
    watch = spawnTracked(process.execPath, [BIN, "watch", "--log-format", "json"], {
      cwd: dir,
      env: { ...process.env, DIGESTGUARD_API_TOKEN: TOKEN },
      stdio: ["ignore", "ignore", "pipe"],
    });
    log = jsonLog(watch.child);
    await log.next((e) => e.msg === "dashboard listening");
    await log.next((e) => e.msg === "cycle done");
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await watch?.kill();
    await registry?.stop();
  });

  it("lists the watched images, then shows a tag move after a triggered cycle with two points on the timeline", async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    const listed = await page.locator("table.images tbody tr td:first-child").allTextContents();
    assert.deepEqual(listed, [`${registry.host}/team/app:1`, `${registry.host}/team/base:2`]);
    assert.deepEqual(await page.locator("table.images td.status").allTextContents(), ["verified", "verified"]);

    await pushImage(registry, "team/app", v2, ["1"]);
    const cycled = log.next((e) => e.msg === "cycle done");
    const accepted = await request(`${url}/api/v1/checks`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(accepted.statusCode, 202);
    await accepted.body.dump();
    assert.equal((await cycled).events, 1);

    // The index was just served (and cached); the watch's own cycle makes it start afresh.
    await page.goto(`${url}/`);
    assert.deepEqual(await page.locator("table.images td.status").allTextContents(), ["drifted", "verified"]);

    await page.goto(`${url}/?kind=moved`);
    assert.deepEqual(await page.locator("table.images tbody tr td:first-child").allTextContents(), [reference]);
    assert.equal(await page.locator("table.images td.status").textContent(), "drifted");
    assert.deepEqual(await page.locator("table.events td.kind").allTextContents(), ["moved"]);
    assert.equal(await page.locator('select[name="kind"] option[selected]').textContent(), "moved");

    await page.locator("table.images a").first().click();
    await page.waitForURL(/\/tags\//);
    assert.equal(await page.locator("h1").textContent(), reference);
    assert.equal(await page.locator("svg.timeline circle.point").count(), 2);
    assert.equal(await page.locator("svg.timeline text.lane").count(), 2, "one lane per digest");
    assert.equal(await page.locator("#pin-command").textContent(), `dg pin --update --image '${reference}'`);
    const platforms = await page.locator("table.platforms tbody tr").allTextContents();
    assert.equal(platforms.length, 2);
    assert.ok(
      platforms.every((row) => /linux\/(amd64|arm64)sha256:[0-9a-f]{64}/.test(row)),
      platforms.join("|"),
    );
    if (process.env.DIGESTGUARD_SCREENSHOTS === "1")
      await page.screenshot({ path: join(import.meta.dirname, "../../../docs/dashboard-tag.png"), fullPage: true });
    await page.close();
  });

  it("shows markup from an error text as text: no element is injected", async () => {
    // A second writer on the same WAL database, as `dg notify test` would be.
    const history = SqliteHistoryStore.open(join(dir, "history.sqlite"));
    try {
      await history.addEvent(
        {
          kind: "check-error",
          reference: `${registry.host}/team/base:2`,
          at: new Date().toISOString(),
          detail: { code: "REGISTRY_ERROR", message: `Cannot read: ${HOSTILE}` },
        },
        [],
      );
    } finally {
      await history.close();
    }
    // Written by another process, so the index shows it once its one-second reply cache has turned over.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    assert.equal(await page.locator("#injected").count(), 0);
    assert.equal(await page.locator("table.events td.detail b").count(), 0);
    const detail = await page.locator("table.events td.detail").first().textContent();
    assert.equal(detail, `REGISTRY_ERROR: Cannot read: ${HOSTILE}`);
    assert.notEqual(await page.title(), "owned");
    await page.goto(`${url}/tags/${encodeURIComponent(`${registry.host}/team/base:2`)}`);
    assert.equal(await page.locator("#injected").count(), 0);
    assert.equal(await page.locator("svg.timeline .mark-check-error").count(), 1);
    if (process.env.DIGESTGUARD_SCREENSHOTS === "1") {
      await page.goto(`${url}/`);
      await page.screenshot({ path: join(import.meta.dirname, "../../../docs/dashboard.png"), fullPage: true });
    }
    await page.close();
  });

  it("counts the real watch's checks, events and registry answers in /metrics, and retries a delivery on request", async () => {
    const families = parsePrometheusText(await (await request(`${url}/metrics`)).body.text());
    const family = (name: string) => families.find((f) => f.name === `digestguard_watch_${name}`);
    const sum = (name: string) => (family(name)?.metrics ?? []).reduce((n, m) => n + Number(m.value), 0);
    assert.ok(sum("checks_total") >= 4, "two images, two cycles");
    assert.equal(family("events_total")?.metrics.find((m) => m.labels?.["kind"] === "moved")?.value, "1");
    const answers = family("registry_requests_total")?.metrics ?? [];
    assert.ok(answers.some((m) => m.labels?.["registry"] === registry.host && m.labels?.["status"] === "200"));
    assert.equal(family("cycle_duration_seconds")?.metrics[0]?.count, "2");

    const { deliveries } = (await (await request(`${url}/api/v1/deliveries`)).body.json()) as {
      deliveries: { id: string; attempts: number }[];
    };
    assert.equal(deliveries.length, 1, "the moved event's delivery waits");
    const [pending] = deliveries as [{ id: string; attempts: number }];
    const auth = { authorization: `Bearer ${TOKEN}` };
    const retried = await request(`${url}/api/v1/deliveries/${pending.id}/retry`, { method: "POST", headers: auth });
    assert.deepEqual(await retried.body.json(), { delivered: false });
    const after = (await (await request(`${url}/api/v1/deliveries`)).body.json()) as {
      deliveries: { attempts: number }[];
    };
    assert.equal(after.deliveries[0]?.attempts, pending.attempts + 1, "the retry was an attempt");
    const unknown = await request(`${url}/api/v1/deliveries/no-such-id/retry`, { method: "POST", headers: auth });
    assert.equal(unknown.statusCode, 404);
    assert.equal(((await unknown.body.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
  });

  it("serves its own stylesheet under the strict CSP, with no blocked resource", async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on("requestfailed", (r) => failed.push(r.url()));
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) failed.push(m.text());
    });
    const response = await page.goto(`${url}/`);
    assert.match(String(response?.headers()["content-security-policy"]), /default-src 'none'/);
    const color = await page
      .locator("td.status")
      .first()
      .evaluate(
        (el) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { fontWeight: string } }).getComputedStyle(el)
            .fontWeight,
      );
    assert.equal(color, "600", "the stylesheet applied");
    assert.deepEqual(failed, []);
    await page.close();
  });
});
