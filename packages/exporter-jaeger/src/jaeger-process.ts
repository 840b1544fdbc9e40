// The Jaeger `Process`: who emitted a batch of spans. Built once per exporter, not per span.
import { hostname as osHostname } from 'node:os';
import type { TagValue, Tags } from '@trace/core';
import { CLIENT_VERSION } from './version.js';

/**
 * The process a batch is reported under. `serviceName`, when set, overrides every span's own
 * service name; otherwise each span's `serviceName` is used. `tags` go on every process.
 */
export interface JaegerProcess {
  readonly serviceName?: string;
  readonly tags?: Readonly<Tags>;
}

/** Options of {@link createJaegerProcess}. */
export interface JaegerProcessOptions {
  /** Overrides the spans' service names. */
  serviceName?: string;
  /** Value of the `hostname` process tag. Default `os.hostname()`. */
  hostname?: string;
  /** Resource attributes (e.g. `service.version`, `deployment.environment`) added as process tags. */
  resourceAttributes?: Readonly<Record<string, TagValue>>;
}

/** The `jaeger.version` process tag value: which client produced the spans. */
export const JAEGER_CLIENT_VERSION_TAG = `trace-node-${CLIENT_VERSION}`;

/**
 * Builds the process every batch of an exporter carries: `hostname`, `jaeger.version` and the
 * resource attributes (which win over the first two when they name the same key).
 */
export function createJaegerProcess(options: JaegerProcessOptions = {}): JaegerProcess {
  const tags: Tags = { hostname: options.hostname ?? osHostname(), 'jaeger.version': JAEGER_CLIENT_VERSION_TAG };
  const resource = options.resourceAttributes;
  if (resource !== undefined) {
    for (const key in resource) {
      if (Object.hasOwn(resource, key)) tags[key] = resource[key] as TagValue;
    }
  }
  return options.serviceName === undefined ? { tags } : { serviceName: options.serviceName, tags };
}
