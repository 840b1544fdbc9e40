// What a workload is: a paired timing (the same job done by @trace/* and by the OpenTelemetry SDK)
// or a paired heap measurement. The harness never calls into either library itself; each side
// brings its own loop, so no call site is shared between them and neither pollutes the other's
// inline caches.

/** The two implementations compared in every workload. */
export type Side = 'trace' | 'otel';

/** One side of a timed workload. */
export interface Implementation {
  /** Untimed, before each sample (reset carriers, build inputs). */
  prepare?(): void | Promise<void>;
  /** The timed part: exactly `opsPerSample` operations. */
  run(): void | Promise<void>;
  /**
   * Untimed, after each sample: flush the pipeline and check that every span created reached the
   * exporter (or, for encoders, that the output is sane). Returns why the sample is void, if it is.
   */
  verify(): Promise<string | undefined>;
  /** Releases servers and providers after the workload. */
  close?(): Promise<void>;
}

/** A workload timed on both sides in alternating rounds. */
export interface TimedWorkload {
  kind: 'timed';
  id: string;
  title: string;
  /** What one operation is ("span", "inject", "batch of 512 spans"). */
  op: string;
  opsPerSample: number;
  /** Builds both sides; throws {@link Unavailable} when a package it needs is missing. `otel` may be absent (trace-only rows). */
  setup(opsPerSample: number): Promise<{ trace: Implementation; otel?: Implementation }>;
}

/** One heap reading of one side. */
export interface MemoryReading {
  bytesPerSpan: number;
  /** Set when the reading is void (spans dropped, flush failed). */
  voidReason?: string;
}

/** A workload that measures retained heap per span on both sides. */
export interface MemoryWorkload {
  kind: 'memory';
  id: string;
  title: string;
  spans: number;
  measure(side: Side, spans: number): Promise<MemoryReading>;
}

export type Workload = TimedWorkload | MemoryWorkload;

/** Thrown by a workload's setup when it cannot run here; the message says why. */
export class Unavailable extends Error {
  override readonly name = 'Unavailable';
}
