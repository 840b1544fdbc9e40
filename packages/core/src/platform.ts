// The only file in @trace/core that imports `node:` modules: ids, clock and async-local storage.
// A browser or edge build swaps this one module (DESIGN.md "Conventions").
import { AsyncLocalStorage } from 'node:async_hooks';
import { Buffer } from 'node:buffer';
import { randomFillSync } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
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

/** A reusable byte buffer whose first bytes read back as an ASCII string in one native call. */
export interface TextScratch {
  readonly bytes: Uint8Array;
  read(length: number): string;
}

export function createTextScratch(size: number): TextScratch {
  // The documented toString('latin1', start, end): the undocumented latin1Slice it ends in saved
  // ~3 ns of a ~55 ns read on Node 20 (measured on 55 bytes), too little to lean on an internal.
  const bytes = Buffer.allocUnsafe(size);
  return { bytes, read: (length) => bytes.toString('latin1', 0, length) };
}
