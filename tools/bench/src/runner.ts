// Runs workloads: warm-up rounds, then timed rounds that alternate which side goes first, a forced
// GC before every sample (outside the timed part), and a verification after every sample (also
// outside it). A sample whose verification fails is void: it is reported, never averaged in.
import { type Summary, median, summarize } from './stats.js';
import {
  type Implementation,
  type MemoryWorkload,
  type Side,
  type ThroughputSide,
  type ThroughputWorkload,
  type TimedWorkload,
  Unavailable,
  type Workload,
} from './workload.js';

export interface RunSettings {
  rounds: number;
  warmup: number;
  /** Multiplies every workload's operations per sample. */
  scale: number;
  memoryRounds: number;
  /** cpu: process CPU time (user + system, all threads); wall: elapsed time. */
  clock: 'cpu' | 'wall';
  log: (line: string) => void;
}

export interface VoidSample {
  side: Side;
  round: number;
  reason: string;
}

/**
 * What one workload produced. `ratio` is always @trace ÷ OTel of the same round: time for timed
 * rows and bytes for memory rows (lower is better), delivered rate for throughput rows (higher is better).
 */
export interface WorkloadResult {
  id: string;
  title: string;
  kind: 'timed' | 'memory' | 'throughput';
  status: 'ok' | 'unavailable' | 'failed';
  reason?: string;
  /** Timed: nanoseconds per operation; memory: bytes per span; throughput: spans per second. */
  unit: 'ns/op' | 'bytes/span' | 'spans/s';
  op: string;
  opsPerSample: number;
  /** Which clock the timed figures use (the other clock's medians are in `otherClock`). */
  clock?: 'cpu' | 'wall';
  trace?: Summary & { samples: number[] };
  otel?: Summary & { samples: number[] };
  ratio?: Summary & { samples: number[] };
  otherClock?: { clock: 'cpu' | 'wall'; traceMedian: number; otelMedian: number; ratioMedian: number };
  /** @trace's fastest sample over OTel's fastest (timed rows): less sensitive to other load on the machine than the median. */
  ratioOfMinimums?: number;
  voidSamples: VoidSample[];
  /** Throughput rows: every trial of the search, per side. */
  throughput?: { trace: ThroughputSide; otel: ThroughputSide };
}

function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run node with --expose-gc: every sample starts with a forced GC');
  gc();
}

async function timeSample(impl: Implementation): Promise<{ wallNs: number; cpuNs: number } | { reason: string }> {
  try {
    await impl.prepare?.();
    forceGc();
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const pending = impl.run();
    if (pending !== undefined) await pending;
    const wallNs = Number(process.hrtime.bigint() - start);
    const cpu = process.cpuUsage(cpuStart);
    const reason = await impl.verify();
    return reason === undefined ? { wallNs, cpuNs: (cpu.user + cpu.system) * 1000 } : { reason };
  } catch (error) {
    return { reason: `threw: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function withSamples(values: number[]): Summary & { samples: number[] } {
  return { ...summarize(values), samples: values };
}

export async function runTimed(workload: TimedWorkload, settings: RunSettings): Promise<WorkloadResult> {
  const ops = Math.max(1, Math.round(workload.opsPerSample * settings.scale));
  const base = { id: workload.id, title: workload.title, kind: 'timed' as const, unit: 'ns/op' as const, op: workload.op, opsPerSample: ops, voidSamples: [] };
  let impls: { trace: Implementation; otel?: Implementation };
  try {
    impls = await workload.setup(ops);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, status: error instanceof Unavailable ? 'unavailable' : 'failed', reason: message };
  }
  const clock = workload.clock ?? settings.clock;
  const sides: Side[] = impls.otel === undefined ? ['trace'] : ['trace', 'otel'];
  const samples: Record<Side, number[]> = { trace: [], otel: [] };
  const otherSamples: Record<Side, number[]> = { trace: [], otel: [] };
  const ratios: number[] = [];
  const otherRatios: number[] = [];
  const voids: VoidSample[] = [];
  for (let round = -settings.warmup; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? sides : sides.slice().reverse();
    const thisRound: Partial<Record<Side, number>> = {};
    const otherRound: Partial<Record<Side, number>> = {};
    for (const side of order) {
      const impl = side === 'trace' ? impls.trace : (impls.otel as Implementation);
      const outcome = await timeSample(impl);
      if ('reason' in outcome) {
        voids.push({ side, round, reason: outcome.reason });
        continue;
      }
      if (round < 0) continue;
      const perOp = (clock === 'cpu' ? outcome.cpuNs : outcome.wallNs) / ops;
      const otherPerOp = (clock === 'cpu' ? outcome.wallNs : outcome.cpuNs) / ops;
      samples[side].push(perOp);
      otherSamples[side].push(otherPerOp);
      thisRound[side] = perOp;
      otherRound[side] = otherPerOp;
    }
    if (thisRound.trace !== undefined && thisRound.otel !== undefined) ratios.push(thisRound.trace / thisRound.otel);
    if (otherRound.trace !== undefined && otherRound.otel !== undefined) otherRatios.push(otherRound.trace / otherRound.otel);
  }
  await impls.trace.close?.();
  await impls.otel?.close?.();
  const result: WorkloadResult = { ...base, status: 'ok', clock, voidSamples: voids, trace: withSamples(samples.trace) };
  if (impls.otel !== undefined) {
    result.otel = withSamples(samples.otel);
    result.ratio = withSamples(ratios);
  }
  if (impls.otel !== undefined && result.trace !== undefined && result.otel !== undefined) result.ratioOfMinimums = result.trace.min / result.otel.min;
  result.otherClock = {
    clock: clock === 'cpu' ? 'wall' : 'cpu',
    traceMedian: median(otherSamples.trace),
    otelMedian: median(otherSamples.otel),
    ratioMedian: median(otherRatios),
  };
  return result;
}

export async function runMemory(workload: MemoryWorkload, settings: RunSettings): Promise<WorkloadResult> {
  const spans = Math.max(1000, Math.round(workload.spans * Math.min(1, settings.scale)));
  const samples: Record<Side, number[]> = { trace: [], otel: [] };
  const ratios: number[] = [];
  const voids: VoidSample[] = [];
  for (let round = 0; round < settings.memoryRounds; round++) {
    const order: Side[] = round % 2 === 0 ? ['trace', 'otel'] : ['otel', 'trace'];
    const thisRound: Partial<Record<Side, number>> = {};
    for (const side of order) {
      try {
        const reading = await workload.measure(side, spans);
        if (reading.voidReason !== undefined) {
          voids.push({ side, round, reason: reading.voidReason });
          continue;
        }
        samples[side].push(reading.bytesPerSpan);
        thisRound[side] = reading.bytesPerSpan;
      } catch (error) {
        voids.push({ side, round, reason: `threw: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    if (thisRound.trace !== undefined && thisRound.otel !== undefined) ratios.push(thisRound.trace / thisRound.otel);
  }
  return {
    id: workload.id,
    title: workload.title,
    kind: 'memory',
    status: 'ok',
    unit: 'bytes/span',
    op: 'span',
    opsPerSample: spans,
    trace: withSamples(samples.trace),
    otel: withSamples(samples.otel),
    ratio: withSamples(ratios),
    voidSamples: voids,
  };
}

export async function runThroughput(workload: ThroughputWorkload, settings: RunSettings): Promise<WorkloadResult> {
  const base = {
    id: workload.id,
    title: workload.title,
    kind: 'throughput' as const,
    unit: 'spans/s' as const,
    op: 'second',
    opsPerSample: 0,
    voidSamples: [],
  };
  let found: { trace: ThroughputSide; otel: ThroughputSide };
  try {
    found = await workload.run({ scale: settings.scale, log: settings.log });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, status: error instanceof Unavailable ? 'unavailable' : 'failed', reason: message };
  }
  const trace = found.trace.sustainedPerSecond;
  const otel = found.otel.sustainedPerSecond;
  return {
    ...base,
    status: 'ok',
    trace: withSamples([trace]),
    otel: withSamples([otel]),
    ratio: withSamples(otel > 0 ? [trace / otel] : []),
    throughput: found,
  };
}

export function runWorkload(workload: Workload, settings: RunSettings): Promise<WorkloadResult> {
  if (workload.kind === 'timed') return runTimed(workload, settings);
  if (workload.kind === 'memory') return runMemory(workload, settings);
  return runThroughput(workload, settings);
}
