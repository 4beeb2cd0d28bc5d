import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { type RequiredTool, toolSkipReason } from "./require-tool.js";

const CHROMIUM = "/usr/bin/chromium";

/** Debian's chromium, driven by playwright-core (no browser download). */
export const chromiumTool: RequiredTool = {
  name: "chromium",
  available: existsSync(CHROMIUM),
  install: "apt-get install chromium",
};

/**
 * Why a browser suite should be skipped, or `false` (never skipped in CI).
 *
 * @example
 * ```ts
 * describe("in Chromium", { skip: chromiumSkipReason() }, () => { … });
 * ```
 */
export function chromiumSkipReason(): string | false {
  return toolSkipReason(chromiumTool);
}

/**
 * Launch headless Chromium with no sandbox, GPU, sync or background
 * networking: it only ever talks to the loopback server under test.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 * await browser.close();
 * ```
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
