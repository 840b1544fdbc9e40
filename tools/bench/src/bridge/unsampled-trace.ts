// Preloaded (`--require`) into the @trace servers of a bench:bridge run with `--unsampled`: every
// `@trace/core` Tracer the server makes samples nothing, as the OpenTelemetry SDK's does under
// OTEL_TRACES_SAMPLER=always_off. What is left of the added CPU is the instrumentations' own work,
// context propagation and unsampled span starts: the part no cheaper recorder or exporter removes.
import Module = require('node:module');

type Load = (request: string, ...rest: unknown[]) => unknown;
type Core = typeof import('@trace/core');
const loader = Module as unknown as { _load: Load };
const load = loader._load;
let unsampled: Core | undefined;

loader._load = function (this: unknown, request: string, ...rest: unknown[]): unknown {
  const loaded = load.call(this, request, ...rest);
  if (request !== '@trace/core') return loaded;
  if (unsampled === undefined) {
    const core = loaded as Core;
    class UnsampledTracer extends core.Tracer {
      constructor(options: ConstructorParameters<Core['Tracer']>[0] = {}) {
        super({ ...options, sampler: core.alwaysOff() });
      }
    }
    // A copy of the exports object, getters and all, with one class swapped. Not a Proxy: the
    // bridge reads `core.x` on every call, and a trap there would be charged to the bridge.
    const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(core));
    Object.defineProperty(copy, 'Tracer', { enumerable: true, get: () => UnsampledTracer });
    unsampled = copy as Core;
  }
  return unsampled;
};
