// Loaded with `node --import` into a CLI run whose peak memory a test
// measures: prints the process's peak resident set size as it exits.
import { readFileSync, writeSync } from "node:fs";

// VmHWM belongs to this program's own address space. getrusage's maxRSS
// does not: Linux carries the peak of the process before exec over, and a
// child forked from a test process that holds big buffers starts there.
function peakKb(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match !== null) return Number(match[1]);
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS;
}

process.on("exit", () => {
  writeSync(2, `\nmax-rss-kb=${peakKb()}\n`);
});
