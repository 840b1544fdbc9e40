// Packages that may not be there yet (the exporters are being written alongside this harness):
// load them at run time and turn any gap into a clear "not available" reason instead of a crash.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** Directory of an installed package (found from its main entry, since an exports map may hide `package.json`). */
function packageDirectory(name: string): string {
  let directory = dirname(require.resolve(name));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    directory = dirname(directory);
  }
  throw new Unavailable(`cannot find the package.json of ${name}`);
}

/**
 * A file inside a package that its exports map does not list (OTel's Zipkin transform): loaded by
 * path, from the same copy the package's entry loads, so both share one module instance.
 */
export function loadPackageFile(name: string, file: string): Loaded {
  let path: string;
  try {
    path = join(dirname(require.resolve(name)), file);
  } catch (error) {
    throw new Unavailable(`cannot resolve ${name} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  return loadModule(path);
}

/** The installed version of `name` (an alias resolves to the package it stands for), or "missing". */
export function packageVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(packageDirectory(name), 'package.json'), 'utf8')) as { name?: string; version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'missing';
  }
}
