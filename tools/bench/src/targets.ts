// The targets of issue 4 (and issue 7's Zipkin JSON aim), judged on the median of the per-round
// ratios of the same run.
import type { WorkloadResult } from './runner.js';

export interface Target {
  id: string;
  /**
   * speedup: @trace is at least `value`× faster, i.e. trace time ÷ OTel time ≤ 1/value;
   * bytes: trace bytes ÷ OTel bytes ≤ value; ns: trace ns per op ≤ value.
   */
  kind: 'speedup' | 'bytes' | 'ns';
  value: number;
}

export const TARGETS: readonly Target[] = [
  { id: 'W1', kind: 'speedup', value: 5 },
  { id: 'W1b', kind: 'speedup', value: 5 },
  { id: 'W1c', kind: 'speedup', value: 5 },
  { id: 'W5-tp-inject', kind: 'speedup', value: 5 },
  { id: 'W5-tp-extract', kind: 'speedup', value: 1.5 },
  { id: 'W5-bag-inject', kind: 'speedup', value: 3 },
  { id: 'W5-bag-extract', kind: 'speedup', value: 2 },
  { id: 'W6-finished', kind: 'bytes', value: 0.35 },
  { id: 'W6-live', kind: 'bytes', value: 0.4 },
  { id: 'W8', kind: 'ns', value: 50 },
  { id: 'W3-json', kind: 'speedup', value: 2 },
];

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface TargetOutcome {
  target: Target;
  text: string;
  measured: number | undefined;
  verdict: Verdict;
}

export function describeTarget(target: Target): string {
  if (target.kind === 'speedup') return `≤ ${(1 / target.value).toFixed(2)}× OTel time (${target.value}× faster)`;
  if (target.kind === 'bytes') return `≤ ${target.value}× OTel bytes`;
  return `≤ ${target.value} ns`;
}

export function judge(result: WorkloadResult): TargetOutcome | undefined {
  const target = TARGETS.find((candidate) => candidate.id === result.id);
  if (target === undefined) return undefined;
  const text = describeTarget(target);
  const measured = target.kind === 'ns' ? result.trace?.median : result.ratio?.median;
  if (result.status !== 'ok' || measured === undefined || Number.isNaN(measured)) return { target, text, measured: undefined, verdict: 'n/a' };
  const pass = target.kind === 'speedup' ? measured <= 1 / target.value : measured <= target.value;
  return { target, text, measured, verdict: pass ? 'PASS' : 'MISS' };
}
