// The only file in @trace/core that imports `node:` modules: ids, clock and async-local storage.
// A browser or edge build swaps this one module (DESIGN.md "Conventions").
import { AsyncLocalStorage } from 'node:async_hooks';
import { Buffer } from 'node:buffer';
import { randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export { AsyncLocalStorage };

/** Fills `target` with cryptographically strong random bytes. */
export function fillRandom(target: Int32Array): void {
  randomFillSync(target);
}

const timeOriginMs = performance.timeOrigin;

/** Monotonic milliseconds since process start, sub-microsecond resolution. */
export function monotonicNowMs(): number {
  return performance.now();
}

/** Converts a monotonic reading to epoch microseconds (fractional). */
export function monotonicToEpochMicros(monotonicMs: number): number {
  return (timeOriginMs + monotonicMs) * 1000;
}

export function hostname(): string {
  return osHostname();
}

/**
 * Loads an installed package by name, synchronously: first as this package sees it, then as the
 * application (the current directory) sees it. `undefined` when it is not installed.
 */
export function requireOptional(name: string): Record<string, unknown> | undefined {
  const attempts: (() => unknown)[] = [];
  // In the CommonJS build `require` is this module's own; in the ESM build it does not exist.
  if (typeof require === 'function') attempts.push(() => require(name));
  attempts.push(() => createRequire(join(process.cwd(), 'index.js'))(name));
  for (const attempt of attempts) {
    try {
      return attempt() as Record<string, unknown>;
    } catch (error) {
      // A package that is there but fails to load (one of its own dependencies missing, say)
      // is an error to report, not an absent package.
      if (!isPackageNotInstalled(error, name)) throw error;
    }
  }
  return undefined;
}

/**
 * True when `error`, thrown by `require(name)` or `import(name)`, says the package `name` itself
 * is not installed (or has no entry point this loader can use), rather than that something it
 * needs is missing. Node names the missing module first, quoted; a require error then lists the
 * requiring files, whose paths contain the package that needed it.
 */
export function isPackageNotInstalled(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return message.includes(name);
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  return (message.split('\n', 1)[0] as string).includes(`'${name}'`);
}

/** A reusable byte buffer whose first bytes read back as an ASCII string in one native call. */
export interface TextScratch {
  readonly bytes: Uint8Array;
  read(length: number): string;
}

export function createTextScratch(size: number): TextScratch {
  // latin1Slice is what toString('latin1') ends in, without its argument handling (~15 % of an inject).
  const bytes = Buffer.allocUnsafe(size) as Buffer & { latin1Slice(start: number, end: number): string };
  return { bytes, read: (length) => bytes.latin1Slice(0, length) };
}
