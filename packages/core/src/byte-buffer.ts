// A growable byte buffer reused from one encoded body to the next: what every single-pass
// encoder (JSON, protobuf, Thrift) writes into. It grows by doubling, lets go of a buffer one
// huge body grew past a cap at the next reset, and copies a finished body out without zero-fill.
import { Buffer } from 'node:buffer';

const DEFAULT_INITIAL_CAPACITY = 64 * 1024;
/** No buffer yet: the first write allocates, so a writer made at module load costs nothing until used. */
const NOT_ALLOCATED = new Uint8Array(0);
const DEFAULT_MAX_RETAINED_CAPACITY = 4 * 1024 * 1024;

/** Options of a {@link ByteBuffer}. */
export interface ByteBufferOptions {
  /** Bytes allocated by the first write (and again after a shrink). Default 64 KiB. */
  readonly initialCapacity?: number;
  /**
   * A buffer grown past this by one huge body is replaced at the next {@link ByteBuffer.reset},
   * so one outlier does not pin its memory for the life of the process. Default 4 MiB.
   */
  readonly maxRetainedCapacity?: number;
}

/**
 * The buffer and position an encoder writes through. Encoding is synchronous, so an encoder can
 * keep one instance and {@link reset} it per body; {@link finish} copies the result out, because
 * the buffer is reused by the next body.
 */
export class ByteBuffer {
  /**
   * The buffer; replaced when it grows, so re-read it after {@link ensure} or {@link room}.
   * Read-only to callers: only the buffer itself swaps it (a plain field, not a getter or a
   * method, because encoders read it in their innermost loops).
   */
  readonly buf: Uint8Array;
  /**
   * The write cursor: where method-style writes go on. The one writable field, on purpose:
   * encoders advance it as they write (callers that carry their own position leave it alone).
   */
  pos = 0;
  /** A DataView of {@link buf}, for big-endian and float writes; renewed with the buffer. Read-only to callers. */
  readonly view: DataView;
  private readonly initialCapacity: number;
  private readonly maxRetainedCapacity: number;

  constructor(options?: ByteBufferOptions) {
    this.initialCapacity = options?.initialCapacity ?? DEFAULT_INITIAL_CAPACITY;
    this.maxRetainedCapacity = options?.maxRetainedCapacity ?? DEFAULT_MAX_RETAINED_CAPACITY;
    this.buf = NOT_ALLOCATED;
    this.view = new DataView(NOT_ALLOCATED.buffer);
  }

  /** Starts a new body; returns its start position (0) for callers that pass positions. */
  reset(): number {
    if (this.buf.length > this.maxRetainedCapacity) this.replaceBuffer(new Uint8Array(this.initialCapacity));
    this.pos = 0;
    return 0;
  }

  /**
   * The buffer, with room for `count` bytes at `position`. It may be a new, larger buffer holding
   * what was written so far: callers write into what this returns.
   */
  room(position: number, count: number): Uint8Array {
    const buf = this.buf;
    if (position + count <= buf.length) return buf;
    return this.grow(position, count);
  }

  /** Makes room for `extra` more bytes at {@link pos}. */
  ensure(extra: number): void {
    if (this.pos + extra > this.buf.length) this.grow(this.pos, extra);
  }

  /** A copy of the bytes up to {@link pos}, or up to `end` when given. */
  finish(end: number = this.pos): Uint8Array {
    // `slice` zero-fills a new buffer and then copies into it; every byte is overwritten here,
    // so an uninitialised one is enough (about 2.5x cheaper for a 240 KB body).
    const copy = new Uint8Array(Buffer.allocUnsafeSlow(end).buffer, 0, end);
    copy.set(this.buf.subarray(0, end));
    return copy;
  }

  private replaceBuffer(next: Uint8Array): void {
    // The one place the read-only fields change.
    const self = this as { buf: Uint8Array; view: DataView };
    self.buf = next;
    self.view = new DataView(next.buffer);
  }

  private grow(position: number, count: number): Uint8Array {
    const needed = position + count;
    // The first allocation takes the initial capacity; later ones double.
    let size = Math.max(this.buf.length * 2, this.initialCapacity, 16);
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, position));
    this.replaceBuffer(grown);
    return grown;
  }
}
