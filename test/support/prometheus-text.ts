import { createRequire } from "node:module";

/** One metric family as parse-prometheus-text-format returns it. */
export interface MetricFamily {
  name: string;
  help: string;
  type: string;
  metrics: {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }[];
}

/**
 * Parse a Prometheus text exposition with the reference parser (it throws on malformed text).
 *
 * @example
 * ```ts
 * const families = parsePrometheusText(await (await fetch(url + "/metrics")).text());
 * ```
 */
export function parsePrometheusText(text: string): MetricFamily[] {
  const parse = createRequire(import.meta.url)("parse-prometheus-text-format") as (text: string) => MetricFamily[];
  return parse(text);
}
