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
  /** Overrides `--clock` for this row (W7 measures CPU: the receiver runs in another process). */
  clock?: 'cpu' | 'wall';
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

/** One run at one offered rate (see workloads/throughput.ts). */
export interface ThroughputTrial {
  offeredPerSecond: number;
  /** Spans created, and spans the receiver decoded; dropped = created - received. */
  created: number;
  received: number;
  /** Seconds spent creating the spans (the offered rate's schedule), and in the final flush. */
  generateSeconds: number;
  flushSeconds: number;
  /** received / (generate + flush seconds). */
  deliveredPerSecond: number;
  /** heapUsed after a forced GC before the trial, and the highest heapUsed sampled every 50 ms during it, in bytes. */
  heapStartBytes: number;
  heapPeakBytes: number;
  /** 99th percentile of event-loop delay (perf_hooks.monitorEventLoopDelay), in ms. */
  eventLoopDelayP99Ms: number;
  /** Process CPU time over elapsed time: cores the bench process kept busy. */
  cpuCores: number;
  passed: boolean;
  /** Why the trial failed, when it did. */
  reason?: string;
}

/** What a throughput search found for one side. */
export interface ThroughputSide {
  /** The highest offered rate that passed; 0 when none did. */
  sustainedPerSecond: number;
  /** The trial at that rate (its heap, event-loop delay and CPU are what the report shows). */
  best?: ThroughputTrial;
  /** The flat-out probe that set the search's upper bound. */
  probe: ThroughputTrial;
  trials: ThroughputTrial[];
}

/** A workload that searches, for each side, the highest rate it sustains with nothing dropped. */
export interface ThroughputWorkload {
  kind: 'throughput';
  id: string;
  title: string;
  /** Throws {@link Unavailable} when a package it needs is missing. */
  run(settings: { scale: number; log: (line: string) => void }): Promise<{ trace: ThroughputSide; otel: ThroughputSide }>;
}

export type Workload = TimedWorkload | MemoryWorkload | ThroughputWorkload;

/** Thrown by a workload's setup when it cannot run here; the message says why. */
export class Unavailable extends Error {
  override readonly name = 'Unavailable';
}
