// W9: the throughput ceiling. How many W1 spans per second can one event loop create, finish and
// deliver over OTLP/HTTP protobuf to a loopback receiver with nothing dropped?
//
// Each trial offers spans at a fixed rate for a few seconds (open loop: the schedule does not wait
// for the exporter, as requests to a server do not), then flushes and asks the receiver, which
// runs in its own process and decodes every body, how many spans arrived. A trial passes when
//   - the bench kept to the schedule (it created every span within 5 % of the planned time),
//   - the receiver got every span created (dropped = created - received = 0; both pipelines
//     drop when their bounded queue is full), and no body failed to parse,
//   - the final flush finished within its deadline.
// The queue's length bounds the rate more than CPU does: a stall of the event loop (a GC pause) or
// of the receiver leaves rate × stall spans to hold. So W9 runs three ways: W9 gives both sides
// OTel's defaults, a queue of 2048 and batches of 512; W9-q16k gives both a queue of 16384 (ours
// by default), batches of 512; W9-defaults runs each side as a user gets it (ours 16384 and
// 64 MiB, OTel's BatchSpanProcessor 2048). The heap figure shows what a longer queue costs.
//
// A flat-out probe per side gives an upper bound; a bisection over rates (geometric midpoints, a
// fixed number of steps) then finds the highest rate that passes. Steps alternate sides, in
// alternating order, so both see the same machine. The figure is a lower bound when the machine
// is busy: a trial the scheduler starved fails and the search goes lower.
//
//   offered rate ──▶ [ W1 spans on a paced schedule ] ──▶ bounded queue ──▶ OTLP/HTTP ──▶ receiver process
//                     one event loop: heap peak, loop delay p99, CPU           (counts spans)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_EXPORT_SETTINGS, Tracer } from '@trace/core';
import { SERVICE_NAME } from '../fixtures.js';
import { cpuPerSpanMicros } from '../report.js';
import { startReceiverProcess } from '../receiver/client.js';
import { createOtelSide } from '../setup-otel.js';
import type { Side, ThroughputSide, ThroughputTrial, ThroughputWorkload } from '../workload.js';
import { otelExporter, traceExporter } from './end-to-end.js';
import { w1Otel, w1Trace } from './spans.js';

/** OTel's BatchSpanProcessor defaults, which W9 gives both sides. */
const OTEL_DEFAULT_QUEUE_SIZE = 2048;
const BATCH_SIZE = 512;
/** W9-q16k's length, fixed (not read from our defaults) so the row means the same if they change. */
const LONG_QUEUE_SIZE = 16_384;
/** Most spans created in one event-loop turn, so exports and I/O get turns when the schedule runs behind. */
const MAX_CHUNK = 256;
const FLUSH_DEADLINE_MS = 15_000;
const SEARCH_STEPS = 7;
/** The bisection's range around the flat-out probe's creation rate (a busy machine can make the probe low). */
const LOWEST_FRACTION = 1 / 16;
const HIGHEST_FACTOR = 2;
const SCHEDULE_SLACK = 1.05;

interface Pipeline {
  create(count: number): void;
  /** Resolves with why the flush failed, if it did. */
  flush(): Promise<string | undefined>;
  /** Spans the receiver decoded since the last call, and bodies it could not parse. */
  received(): Promise<{ spans: number; errors: number }>;
  close(): Promise<void>;
}

/** Resolves with why `promise` failed (it rejected, or missed the deadline), or undefined. */
function withDeadline(promise: Promise<unknown>, ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`flush did not finish within ${ms} ms`), ms);
  });
  // OTel's exporter rejects a flush that needs more exports at once than its concurrency limit
  // (a full 16384 queue is 32 batches): that fails the trial, it does not end the workload.
  const settled = promise.then(
    () => undefined,
    (error: unknown) => `flush failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  return Promise.race([settled, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Offers `rate` spans per second for `seconds`: each turn creates what the schedule says is due
 * (at most MAX_CHUNK), then waits a millisecond when ahead or yields one turn when behind.
 */
async function offer(pipeline: Pipeline, rate: number, total: number): Promise<void> {
  const start = process.hrtime.bigint();
  let created = 0;
  while (created < total) {
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    const due = Math.min(total, Math.floor(rate * elapsed)) - created;
    const count = Math.min(due, MAX_CHUNK);
    if (count > 0) {
      pipeline.create(count);
      created += count;
    }
    if (due > MAX_CHUNK) await nextTurn();
    else await sleep(1);
  }
}

/** Creates spans as fast as one loop can, a chunk per turn, for `seconds`: the probe. */
async function flatOut(pipeline: Pipeline, seconds: number): Promise<number> {
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let created = 0;
  while (process.hrtime.bigint() < end) {
    pipeline.create(MAX_CHUNK);
    created += MAX_CHUNK;
    await nextTurn();
  }
  return created;
}

async function trial(pipeline: Pipeline, rate: number | 'flat-out', seconds: number): Promise<ThroughputTrial> {
  await pipeline.received(); // reset the count
  (globalThis.gc as () => void)();
  const heapStartBytes = process.memoryUsage().heapUsed;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let heapPeakBytes = heapStartBytes;
  const heapTimer = setInterval(() => {
    const used = process.memoryUsage().heapUsed;
    if (used > heapPeakBytes) heapPeakBytes = used;
  }, 50);
  delay.enable();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  let created: number;
  if (rate === 'flat-out') created = await flatOut(pipeline, seconds);
  else {
    created = Math.round(rate * seconds);
    await offer(pipeline, rate, created);
  }
  const generated = process.hrtime.bigint();
  const flushFailure = await pipeline.flush();
  const end = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpuStart);
  delay.disable();
  clearInterval(heapTimer);
  const got = await pipeline.received();
  const generateSeconds = Number(generated - start) / 1e9;
  const flushSeconds = Number(end - generated) / 1e9;
  const totalSeconds = generateSeconds + flushSeconds;
  const offeredPerSecond = rate === 'flat-out' ? created / generateSeconds : rate;
  let reason: string | undefined;
  if (flushFailure !== undefined) reason = flushFailure;
  else if (got.errors > 0) reason = `receiver could not parse ${got.errors} bodies`;
  else if (got.spans !== created) reason = `dropped ${created - got.spans} of ${created}`;
  else if (rate !== 'flat-out' && generateSeconds > seconds * SCHEDULE_SLACK)
    reason = `fell behind the schedule (${generateSeconds.toFixed(2)} s for ${seconds} s)`;
  return {
    offeredPerSecond,
    created,
    received: got.spans,
    generateSeconds,
    flushSeconds,
    deliveredPerSecond: got.spans / totalSeconds,
    heapStartBytes,
    heapPeakBytes,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    cpuCores: ((cpu.user + cpu.system) * 1000) / (totalSeconds * 1e9),
    passed: reason === undefined,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** Queue length per side. */
interface Queues {
  trace: number | undefined;
  otel: number;
}

/** `queueSize` undefined leaves @trace's export settings at their defaults. */
async function tracePipeline(receiver: Awaited<ReturnType<typeof startReceiverProcess>>, queueSize: number | undefined): Promise<Pipeline> {
  const sink = await receiver.open('otlp-protobuf');
  const tracer = new Tracer({
    serviceName: SERVICE_NAME,
    exporters: [traceExporter('otlp', sink.url)],
    ...(queueSize === undefined ? {} : { exportSettings: { maxQueueSize: queueSize, batchSize: BATCH_SIZE } }),
  });
  return {
    create: (count) => w1Trace(tracer, count),
    flush: async () => {
      const flushed = await tracer.flush({ deadlineMs: FLUSH_DEADLINE_MS });
      return flushed.ok ? undefined : `flush: ${flushed.error.message}`;
    },
    received: () => receiver.take(sink.port),
    close: async () => {
      await tracer.shutdown();
    },
  };
}

async function otelPipeline(receiver: Awaited<ReturnType<typeof startReceiverProcess>>, queueSize: number): Promise<Pipeline> {
  const sink = await receiver.open('otlp-protobuf');
  const o = createOtelSide({ maxQueueSize: queueSize, maxExportBatchSize: BATCH_SIZE, exporter: otelExporter('otlp', sink.url) });
  return {
    create: (count) => w1Otel(o.tracer, count),
    flush: () => withDeadline(o.provider.forceFlush(), FLUSH_DEADLINE_MS),
    received: () => receiver.take(sink.port),
    close: () => withDeadline(o.provider.shutdown(), FLUSH_DEADLINE_MS).then(() => undefined),
  };
}

function describe(side: Side, t: ThroughputTrial): string {
  const rate = `${(t.offeredPerSecond / 1000).toFixed(1)}k/s`;
  const outcome = t.passed ? 'ok' : `FAIL (${t.reason ?? ''})`;
  return `    ${side.padEnd(5)} ${rate.padStart(9)} ${outcome}; heap +${((t.heapPeakBytes - t.heapStartBytes) / 2 ** 20).toFixed(1)} MB, loop delay p99 ${t.eventLoopDelayP99Ms.toFixed(1)} ms, ${t.cpuCores.toFixed(2)} cores, ${cpuPerSpanMicros(t).toFixed(1)} µs CPU/span`;
}

async function search(pipelines: Record<Side, Pipeline>, seconds: number, log: (line: string) => void): Promise<Record<Side, ThroughputSide>> {
  const sides: Side[] = ['trace', 'otel'];
  const probes = {} as Record<Side, ThroughputTrial>;
  // Warm-up (discarded): the JIT and the connection pool, before anything counts.
  for (const side of sides) await trial(pipelines[side], 'flat-out', Math.min(1, seconds / 2));
  for (const side of sides) {
    probes[side] = await trial(pipelines[side], 'flat-out', seconds / 2);
    log(`${describe(side, probes[side])} (flat-out probe, ${probes[side].created} created)`);
  }
  const state = {} as Record<Side, { low: number; high: number; best: ThroughputTrial | undefined; trials: ThroughputTrial[] }>;
  for (const side of sides) {
    // The first step tries the bottom of the range.
    const probe = probes[side].offeredPerSecond;
    state[side] = { low: probe * LOWEST_FRACTION, high: probe * HIGHEST_FACTOR, best: undefined, trials: [] };
  }
  for (let step = 0; step < SEARCH_STEPS + 1; step++) {
    const order = step % 2 === 0 ? sides : sides.slice().reverse();
    for (const side of order) {
      const s = state[side];
      // Step 0 checks the bottom of the range; later steps bisect it geometrically.
      const rate = Math.round(step === 0 ? s.low : Math.sqrt(s.low * s.high));
      const result = await trial(pipelines[side], rate, seconds);
      s.trials.push(result);
      log(describe(side, result));
      if (result.passed) {
        if (s.best === undefined || rate > s.best.offeredPerSecond) s.best = result;
        s.low = rate;
      } else if (step === 0) {
        // Not even the bottom passed: search below it instead.
        s.high = rate;
        s.low = rate * LOWEST_FRACTION;
      } else s.high = rate;
    }
  }
  const out = {} as Record<Side, ThroughputSide>;
  for (const side of sides) {
    const s = state[side];
    out[side] = { sustainedPerSecond: s.best?.offeredPerSecond ?? 0, probe: probes[side], trials: s.trials, ...(s.best === undefined ? {} : { best: s.best }) };
  }
  return out;
}

function throughputWorkload(id: string, title: string, queues: Queues): ThroughputWorkload {
  return {
    kind: 'throughput',
    id,
    title,
    async run({ scale, log }) {
      const seconds = Math.max(0.5, 2 * Math.min(1, scale));
      const receiver = await startReceiverProcess();
      const pipelines = {} as Record<Side, Pipeline>;
      try {
        pipelines.trace = await tracePipeline(receiver, queues.trace);
        pipelines.otel = await otelPipeline(receiver, queues.otel);
        return await search(pipelines, seconds, log);
      } finally {
        await pipelines.trace?.close();
        await pipelines.otel?.close();
        await receiver.close();
      }
    },
  };
}

const TITLE = 'throughput ceiling: W1 spans per second one event loop creates and delivers over OTLP/HTTP protobuf to a receiver process, nothing dropped';

export const w9Throughput = throughputWorkload('W9', `${TITLE}; both queues ${OTEL_DEFAULT_QUEUE_SIZE}`, {
  trace: OTEL_DEFAULT_QUEUE_SIZE,
  otel: OTEL_DEFAULT_QUEUE_SIZE,
});

export const w9ThroughputLongQueues = throughputWorkload('W9-q16k', `${TITLE}; both queues ${LONG_QUEUE_SIZE}`, {
  trace: LONG_QUEUE_SIZE,
  otel: LONG_QUEUE_SIZE,
});

export const w9ThroughputDefaults = throughputWorkload(
  'W9-defaults',
  `${TITLE}; each side's default queue (@trace ${DEFAULT_EXPORT_SETTINGS.maxQueueSize}, OTel ${OTEL_DEFAULT_QUEUE_SIZE})`,
  { trace: undefined, otel: OTEL_DEFAULT_QUEUE_SIZE },
);
