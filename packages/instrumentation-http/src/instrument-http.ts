// The entry point: subscribes the server, http-client and fetch halves to Node's
// diagnostics_channel events. Nothing is patched, so it works the same whether the app was loaded
// as ES modules or CommonJS, and needs no loader flag.
import { ConfigError, Tracer, getCurrentSpan } from '@trace/core';
import { FetchInstrumentation } from './fetch-client.js';
import { HttpClientInstrumentation } from './http-client.js';
import { type InstrumentHttpOptions, resolveOptions } from './options.js';
import { ATTR_METHOD, ATTR_ROUTE } from './semantic.js';
import { ServerInstrumentation } from './server.js';

/** What {@link instrumentHttp} returns. */
export interface HttpInstrumentation {
  /** Stops creating spans for requests that start from now on. Spans already open still end. Safe to call twice. */
  disable(): void;
}

interface Part {
  enable(): void;
  disable(): void;
}

/**
 * Traces incoming `node:http` / `node:https` requests, outgoing `http.request` / `http.get`
 * requests and the global `fetch`, from the events Node publishes on `diagnostics_channel`.
 * Call it once, at start-up, before the app's servers take requests.
 *
 * @throws ConfigError when `tracer` is not a Tracer or an option is invalid.
 */
export function instrumentHttp(tracer: Tracer, options?: InstrumentHttpOptions): HttpInstrumentation {
  if (!(tracer instanceof Tracer) && (tracer === null || typeof tracer !== 'object' || typeof (tracer as Tracer).startSpan !== 'function')) {
    throw new ConfigError('instrumentHttp needs a Tracer as its first argument');
  }
  const resolved = resolveOptions(options);
  const parts: Part[] = [];
  if (resolved.server) parts.push(new ServerInstrumentation(tracer, resolved));
  if (resolved.client) parts.push(new HttpClientInstrumentation(tracer, resolved));
  if (resolved.fetch) parts.push(new FetchInstrumentation(tracer, resolved));
  for (const part of parts) part.enable();
  let enabled = true;
  return {
    disable() {
      if (!enabled) return;
      enabled = false;
      for (const part of parts) part.disable();
    },
  };
}

/**
 * Names the current request's server span after its route: sets `http.route` (e.g.
 * `/users/:id`) and renames the span `GET /users/:id`. Call it from the handler, or from a
 * router once it has matched, where the server span is the current span (not inside a child
 * span of your own). Returns false when the current span is not a traced server request's.
 */
export function setHttpRoute(route: string): boolean {
  if (typeof route !== 'string' || route === '') return false;
  const span = getCurrentSpan();
  // A request's server span is a recording server span with the method this package set.
  if (span === undefined || span.kind !== 'server' || span.isFinished()) return false;
  const method = span.getTag(ATTR_METHOD);
  if (typeof method !== 'string') return false;
  span.setTag(ATTR_ROUTE, route);
  span.setOperationName(`${method === '_OTHER' ? 'HTTP' : method} ${route}`);
  return true;
}
