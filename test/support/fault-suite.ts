import { after, afterEach, before } from "node:test";
import type { KnownLayer } from "./fault-outcome.js";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.js";
import { buildNoiseIndex, builtLayer, pushImage } from "./noise-image.js";
import { startRegistry, type RunningRegistry } from "./registry.js";
import { tempCaches, type TempCaches } from "./temp-cache.js";

/** What a fault suite's tests work with; filled in before the first test runs. */
export interface FaultSuite {
  registry: RunningRegistry;
  proxy: FaultProxy;
  /** The layer the suite's faults aim at. */
  layer: KnownLayer;
  caches: TempCaches;
}

/**
 * The scaffold every fault matrix shares, registered in the calling
 * `describe`: a real registry, a fault proxy in front of it, a two-platform
 * noise image pushed as `repository:1.0`, one of its layers picked as the
 * target, faults cleared after each test, and everything stopped at the end.
 *
 * @example
 * ```ts
 * describe("faults", () => {
 *   const suite = faultSuite({ name: "faults", repository: "faults/app", layerBytes: 24 * 1024, platform: 1, layer: 1 });
 *   test("…", async () => { suite.proxy.setFaults([...]); });
 * });
 * ```
 */
export function faultSuite(options: {
  name: string;
  repository: string;
  layerBytes: number;
  platform: number;
  layer: number;
}): FaultSuite {
  const suite = { caches: tempCaches(options.name) } as FaultSuite;
  before(async () => {
    suite.registry = await startRegistry({ mode: "http" });
    suite.proxy = await startFaultProxy(suite.registry);
    const image = await buildNoiseIndex(options.name, options.layerBytes);
    await pushImage(suite.registry, options.repository, image, ["1.0"]);
    suite.layer = builtLayer(image, options.platform, options.layer);
  });
  afterEach(() => suite.proxy.clearFaults());
  after(async () => {
    await suite.proxy?.stop();
    await suite.registry?.stop();
    await suite.caches.cleanup();
  });
  return suite;
}
