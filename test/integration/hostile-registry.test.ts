import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import { handmadeImage, handmadeLayer } from "../support/handmade-image.js";
import { HANG_LIMIT_MS, HOSTILE_SCENARIOS, MAX_RSS_BYTES, runHostileScenario } from "../support/hostile-scenarios.js";
import { harnessTls } from "../support/tls.js";

describe("a hostile registry: no credential leaves its origin, nothing hangs, memory stays bounded", {
  concurrency: true,
}, () => {
  let image: BuiltImage;
  let caFile: string;
  before(async () => {
    image = handmadeImage([await handmadeLayer([{ path: "data.bin", content: randomBytes(256 << 10) }], "gzip")]);
    caFile = (await harnessTls()).caCertFile;
  });

  for (const scenario of HOSTILE_SCENARIOS) {
    test(scenario.name, async (t) => {
      await runHostileScenario(scenario, image, caFile, ({ run, leaked, hostile }) => {
        t.diagnostic(
          `credentials leaked: ${leaked}; hung: ${run.hung ? 1 : 0}; peak RSS: ${((run.maxRssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB; ${Math.round(run.elapsedMs)} ms`,
        );
        assert.equal(run.hung, false, `killed after ${HANG_LIMIT_MS} ms`);
        const paths = JSON.stringify(hostile.foreign.requests.map((r) => r.path));
        assert.equal(leaked, 0, `Authorization reached the foreign origin: ${paths}`);
        assert.ok(
          run.maxRssBytes !== undefined && run.maxRssBytes <= MAX_RSS_BYTES,
          `peak RSS ${run.maxRssBytes} bytes`,
        );
        scenario.check(run, hostile);
      });
    });
  }
});
