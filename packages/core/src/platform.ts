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

// Node's Buffer reader for latin1 text. `toString('latin1', start, end)` is the documented form;
// it checks its arguments and the encoding name before calling the undocumented method under it.
// On a 55-byte traceparent that is ~7 ns of ~60 (tools/bench `T-latin1-read`), which is 10 % of
// an inject; a Node without the method takes the documented form.
const nativeLatin1Slice = (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice;
const latin1SliceMethod = typeof nativeLatin1Slice === 'function' ? (nativeLatin1Slice as (this: Uint8Array, start: number, end: number) => string) : undefined;

export function createTextScratch(size: number): TextScratch {
  const bytes = Buffer.allocUnsafe(size);
  const read =
    latin1SliceMethod !== undefined ? (length: number) => latin1SliceMethod.call(bytes, 0, length) : (length: number) => bytes.toString('latin1', 0, length);
  return { bytes, read };
}

/** A byte array of `size` bytes whose contents are not cleared: the caller overwrites every byte. */
export function allocateUninitialized(size: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
}

/** `bytes[start..end)` read as latin1 (each byte one character), in one native copy. */
export function latin1Text(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', start, end);
}

/** `bytes[start..end)` decoded as UTF-8. */
export function utf8Text(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end);
}

// Node's Buffer writer for latin1 text. `buf.write(text, offset, 'latin1')` is the documented
// form, but it needs a Buffer and checks its arguments on every call; the undocumented method
// under it takes any Uint8Array. tools/bench `tricks` measures the difference on the JSON
// writer's long strings; a Node without the method takes the documented form.
const nativeLatin1Write = (Buffer.prototype as unknown as { latin1Write?: unknown }).latin1Write;
const latin1WriteMethod =
  typeof nativeLatin1Write === 'function' ? (nativeLatin1Write as (this: Uint8Array, text: string, offset: number) => number) : undefined;

/**
 * Writes `text`, whose characters are all below U+0100, one byte each into `bytes` at `offset`
 * (which must have room); returns the number of bytes written.
 */
export function writeLatin1(bytes: Uint8Array, text: string, offset: number): number {
  if (latin1WriteMethod !== undefined) return latin1WriteMethod.call(bytes, text, offset);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).write(text, offset, 'latin1');
}
