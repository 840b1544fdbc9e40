// Packages that may not be there yet (the exporters are being written alongside this harness):
// load them at run time and turn any gap into a clear "not available" reason instead of a crash.
import { Unavailable } from './workload.js';

type Loaded = Record<string, unknown>;

/** `require`s `name` (the CommonJS build, so it shares @trace/core's CJS copy with the harness). */
export function loadModule(name: string): Loaded {
  try {
    return require(name) as Loaded;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Unavailable(`cannot load ${name} (${message})`);
  }
}

/** The named function export of `name`, or an {@link Unavailable} saying which one is missing. */
export function loadFunction<F>(name: string, exportName: string): F {
  const loaded = loadModule(name);
  const value = loaded[exportName];
  if (typeof value !== 'function') throw new Unavailable(`${name} does not export ${exportName} yet`);
  return value as F;
}
