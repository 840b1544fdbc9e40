// `--profile`: runs one workload's loop on one side under the V8 sampling profiler (through
// node:inspector, so the profile covers only the steady-state loop, not start-up or set-up),
// writes a .cpuprofile (open it in Chrome DevTools or VS Code) and prints where self time went.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, relative, resolve } from 'node:path';
import type { Implementation, Side, Workload } from './workload.js';
import { Unavailable } from './workload.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  location: string;
  selfMs: number;
  share: number;
}

const REPO_ROOT = resolve(__dirname, '../../..');

function shortLocation(frame: CallFrame): string {
  if (frame.url === '') return '';
  let path = frame.url.startsWith('file://') ? decodeURIComponent(frame.url.slice('file://'.length)) : frame.url;
  if (path.startsWith(REPO_ROOT)) path = relative(REPO_ROOT, path);
  const pnpm = path.indexOf('node_modules/.pnpm/');
  if (pnpm !== -1) {
    const inner = path.indexOf('/node_modules/', pnpm + 'node_modules/.pnpm/'.length);
    if (inner !== -1) path = path.slice(inner + '/node_modules/'.length);
  }
  return `${path}:${frame.lineNumber + 1}`;
}

/** Self time per function (name + location), largest first; shares are of all sampled time. */
export function selfTimes(profile: CpuProfile): { total: number; functions: SelfTime[]; files: SelfTime[] } {
  const byId = new Map<number, ProfileNode>();
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const selfMicros = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; attribute it to the sample that ended it.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
  let total = 0;
  const functions = new Map<string, SelfTime>();
  const files = new Map<string, SelfTime>();
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id);
    if (node === undefined) continue;
    total += micros;
    const location = shortLocation(node.callFrame);
    let name = node.callFrame.functionName || (location === '' ? '(native)' : '(anonymous)');
    // Native frames ("run", "dispatch") say little alone: name the JavaScript function that called them.
    const caller = location === '' && !name.startsWith('(') ? parentOf.get(id) : undefined;
    if (caller !== undefined) name = `${name} ← ${caller.callFrame.functionName || '(anonymous)'}`;
    const key = `${name}@${location}`;
    const entry = functions.get(key) ?? { name, location, selfMs: 0, share: 0 };
    entry.selfMs += micros / 1000;
    functions.set(key, entry);
    const file = location === '' ? name : location.slice(0, location.lastIndexOf(':'));
    const fileEntry = files.get(file) ?? { name: file, location: '', selfMs: 0, share: 0 };
    fileEntry.selfMs += micros / 1000;
    files.set(file, fileEntry);
  }
  const finish = (map: Map<string, SelfTime>) =>
    [...map.values()].map((entry) => ({ ...entry, share: total === 0 ? 0 : (entry.selfMs * 1000) / total })).sort((a, b) => b.selfMs - a.selfMs);
  return { total: total / 1000, functions: finish(functions), files: finish(files) };
}

export function formatSelfTimes(title: string, times: ReturnType<typeof selfTimes>, top = 20): string {
  const lines = [`${title}: ${times.total.toFixed(0)} ms sampled`, '  self ms   share  function (location)'];
  for (const entry of times.functions.slice(0, top)) {
    lines.push(
      `  ${entry.selfMs.toFixed(1).padStart(7)}  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.name}${entry.location === '' ? '' : `  (${entry.location})`}`,
    );
  }
  lines.push('  by file:');
  for (const entry of times.files.slice(0, 8))
    lines.push(`  ${entry.selfMs.toFixed(1).padStart(7)}  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.name}`);
  return lines.join('\n');
}

async function loopFor(seconds: number, step: () => Promise<void>): Promise<number> {
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let steps = 0;
  while (process.hrtime.bigint() < end) {
    await step();
    steps++;
  }
  return steps;
}

/** Profiles `workload` on each side in `sides`; returns the written .cpuprofile paths. */
export async function profileWorkload(
  workload: Workload,
  sides: readonly Side[],
  seconds: number,
  directory: string,
  log: (line: string) => void,
): Promise<string[]> {
  const written: string[] = [];
  if (workload.kind === 'throughput') {
    log(`${workload.id}: not profiled (a rate search, not a loop); profile W7-otlp for the same path`);
    return written;
  }
  mkdirSync(directory, { recursive: true });
  let impls: { trace: Implementation; otel?: Implementation } | undefined;
  if (workload.kind === 'timed') {
    try {
      impls = await workload.setup(workload.opsPerSample);
    } catch (error) {
      log(`${workload.id}: ${error instanceof Unavailable ? 'not available' : 'failed'}: ${error instanceof Error ? error.message : String(error)}`);
      return written;
    }
  }
  for (const side of sides) {
    let step: () => Promise<void>;
    if (workload.kind === 'timed') {
      const impl = side === 'trace' ? impls?.trace : impls?.otel;
      if (impl === undefined) {
        log(`${workload.id}: no ${side} side to profile`);
        continue;
      }
      step = async () => {
        await impl.prepare?.();
        await impl.run();
        const reason = await impl.verify();
        if (reason !== undefined) log(`${workload.id} ${side}: void sample while profiling: ${reason}`);
      };
    } else {
      step = async () => {
        const reading = await workload.measure(side, workload.spans);
        if (reading.voidReason !== undefined) log(`${workload.id} ${side}: void reading while profiling: ${reading.voidReason}`);
      };
    }
    await loopFor(Math.min(1, seconds / 4), step); // warm-up, so the profile shows optimised code
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const steps = await loopFor(seconds, step);
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    const path = join(directory, `${workload.id}-${side}.cpuprofile`);
    writeFileSync(path, JSON.stringify(profile));
    written.push(path);
    log(
      formatSelfTimes(
        `${workload.id} ${side} (${steps} samples of ${workload.kind === 'timed' ? workload.opsPerSample : workload.spans} ops) → ${relative(process.cwd(), path)}`,
        selfTimes(profile),
      ),
    );
    log('');
  }
  await impls?.trace.close?.();
  await impls?.otel?.close?.();
  return written;
}
