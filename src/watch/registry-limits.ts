import { DigestguardError } from "../errors/error.js";

/** `watch.perRegistry`: limits that apply to each registry on its own. */
export interface PerRegistry {
  concurrency?: number;
  requestsPerSecond?: number;
  rateLimitFloor?: number;
}

/** One registry's rate-limit state for one cycle. */
export interface RateLimitGate {
  /** Note what an answer said is left; at or below the floor the gate closes. */
  note(remaining: number | undefined): void;
  /** Undefined while open; else the error each further check of the cycle records. */
  closed(reference: string): DigestguardError | undefined;
  /** What the registry said was left when the gate closed; undefined while open. */
  remaining(): number | undefined;
}

/**
 * Keep a registry's checks above its rate-limit floor: once an answer says
 * `remaining <= floor`, the rest of the cycle's checks of that registry are
 * not sent and each records a temporary `TOO_MANY_REQUESTS` check error (never
 * a deletion); the next cycle tries again.
 *
 * @example
 * ```ts
 * const gate = rateLimitGate(10);
 * gate.note(8);
 * gate.closed("docker.io/library/alpine:3"); // DigestguardError "…rate-limit floor reached…"
 * ```
 */
export function rateLimitGate(floor: number | undefined): RateLimitGate {
  let seen: number | undefined;
  return {
    note(remaining) {
      if (floor !== undefined && remaining !== undefined && remaining <= floor) seen = remaining;
    },
    remaining: () => seen,
    closed(reference) {
      if (seen === undefined) return undefined;
      return new DigestguardError(
        "TOO_MANY_REQUESTS",
        `Cannot check ${reference}: rate-limit floor reached (the registry says ${seen} pulls are left, the floor is ${floor}); checks of this registry resume next cycle.`,
        { temporary: true, details: { remaining: seen, floor } },
      );
    },
  };
}

/**
 * Spaces calls to one registry so no more than `perSecond` start in any
 * second; shared by every check of that registry in a cycle.
 *
 * @example
 * ```ts
 * const pace = requestPacer(10);
 * await pace(signal); // resolves at most 10 times a second
 * ```
 */
export function requestPacer(perSecond: number | undefined): (signal?: AbortSignal) => Promise<void> {
  if (perSecond === undefined) return async () => {};
  const gapMs = 1000 / perSecond;
  let next = 0;
  return async (signal) => {
    const now = Date.now();
    const start = Math.max(now, next);
    next = start + gapMs;
    if (start > now) await new Promise<void>((resolve) => setTimeout(resolve, start - now));
    signal?.throwIfAborted();
  };
}

/**
 * Group items by registry, keeping their order inside each group.
 *
 * @example
 * ```ts
 * byRegistry([{ registry: "a" }, { registry: "b" }, { registry: "a" }]); // Map { a => [..2], b => [..1] }
 * ```
 */
export function byRegistry<T extends { registry: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.registry, [...(groups.get(item.registry) ?? []), item]);
  return groups;
}
