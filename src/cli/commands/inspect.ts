import { parsePlatform } from "../../oci/platform.js";
import { inspectImage } from "../../inspect/inspect-image.js";
import { renderInspect } from "../../inspect/render-inspect.js";
import type { GlobalOptions } from "../global-options.js";
import { lazyRegistryClient } from "../registry-client-from-options.js";
import type { ActionContext } from "../run-action.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard inspect`. */
export interface InspectFlags extends GlobalOptions {
  raw?: boolean;
  platform?: string;
}

/** `digestguard inspect REF`: print what a reference points to. */
export async function inspectCommand(ref: string, flags: InspectFlags, { signal }: ActionContext): Promise<number> {
  const platform = flags.platform === undefined ? undefined : parsePlatform(flags.platform);
  const registry = lazyRegistryClient(flags);
  try {
    const { store, target, display } = await registry.open(ref);
    const { report, bytes } = await inspectImage(store, target, { display, platform, signal });
    if (flags.raw) await writeOut(bytes);
    else await writeOut(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderInspect(report));
    return 0;
  } finally {
    await registry.close();
  }
}
