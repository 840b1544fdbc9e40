// Turns results into the console table, the markdown table and the JSON document.
import type { MachineInfo } from './machine.js';
import type { ComparedVersions } from './versions.js';
import type { WorkloadResult } from './runner.js';
import type { ThroughputSide, ThroughputTrial } from './workload.js';
import type { Summary } from './stats.js';
import { type TargetOutcome, judge } from './targets.js';

export function formatValue(value: number, unit: WorkloadResult['unit']): string {
  if (Number.isNaN(value)) return '—';
  if (unit === 'bytes/span') return `${value.toFixed(0)} B`;
  if (unit === 'spans/s') return `${(value / 1000).toFixed(1)}k spans/s`;
  if (value < 1000) return `${value.toFixed(value < 100 ? 1 : 0)} ns`;
  if (value < 1e6) return `${(value / 1000).toFixed(2)} µs`;
  return `${(value / 1e6).toFixed(2)} ms`;
}

function cell(summary: Summary | undefined, unit: WorkloadResult['unit']): string {
  if (summary === undefined || summary.count === 0) return '—';
  return `${formatValue(summary.median, unit)} (${formatValue(summary.min, unit)}–${formatValue(summary.max, unit)})`;
}

function ratioCell(result: WorkloadResult): string {
  const ratio = result.ratio;
  if (ratio === undefined || ratio.count === 0) return '—';
  if (result.kind === 'throughput') return `${ratio.median.toFixed(2)}× OTel rate (higher is better)`;
  const suffix = result.kind === 'memory' ? '× OTel bytes' : '× OTel time';
  return `${ratio.median.toFixed(2)}${suffix} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`;
}

/** CPU the bench process spent per delivered span in a trial: stays meaningful when the machine is busy and the rate does not. */
export function cpuPerSpanMicros(trial: ThroughputTrial): number {
  return trial.received === 0 ? Number.NaN : (trial.cpuCores * (trial.generateSeconds + trial.flushSeconds) * 1e6) / trial.received;
}

/** A throughput side: the sustained rate, and the heap peak and loop delay of the trial at that rate. */
function throughputCell(side: ThroughputSide | undefined): string {
  if (side === undefined) return '—';
  const best = side.best;
  if (best === undefined) return `no rate passed (flat out: ${formatValue(side.probe.deliveredPerSecond, 'spans/s')} delivered)`;
  return `${formatValue(side.sustainedPerSecond, 'spans/s')} (heap +${((best.heapPeakBytes - best.heapStartBytes) / 2 ** 20).toFixed(1)} MB, loop p99 ${best.eventLoopDelayP99Ms.toFixed(1)} ms, ${best.cpuCores.toFixed(2)} cores = ${cpuPerSpanMicros(best).toFixed(1)} µs CPU/span)`;
}

export interface Row {
  id: string;
  per: string;
  trace: string;
  otel: string;
  ratio: string;
  minRatio: string;
  target: string;
  verdict: string;
  voids: string;
}

export function toRow(result: WorkloadResult): Row {
  const outcome: TargetOutcome | undefined = judge(result);
  if (result.status !== 'ok') {
    const label = result.status === 'unavailable' ? 'not available' : 'failed';
    return {
      id: result.id,
      per: result.op,
      trace: `${label}: ${result.reason ?? ''}`,
      otel: '',
      ratio: '',
      minRatio: '',
      target: outcome?.text ?? '',
      verdict: outcome ? 'n/a' : '',
      voids: '',
    };
  }
  return {
    id: result.id,
    per: result.unit === 'bytes/span' ? 'span (bytes)' : result.clock === 'cpu' ? `${result.op} (CPU)` : result.op,
    trace: result.kind === 'throughput' ? throughputCell(result.throughput?.trace) : cell(result.trace, result.unit),
    otel:
      result.kind === 'throughput'
        ? throughputCell(result.throughput?.otel)
        : result.otel === undefined
          ? 'no OTel equivalent'
          : cell(result.otel, result.unit),
    ratio: ratioCell(result),
    minRatio: result.ratioOfMinimums === undefined ? '' : `${result.ratioOfMinimums.toFixed(2)}×`,
    target: outcome?.text ?? '',
    verdict: outcome?.verdict ?? '',
    voids: result.voidSamples.length === 0 ? '0' : String(result.voidSamples.length),
  };
}

const HEADERS: Row = {
  id: 'workload',
  per: 'per',
  trace: '@trace median (min–max)',
  otel: 'OTel median (min–max)',
  ratio: '@trace/OTel (median of rounds)',
  minRatio: 'min/min',
  target: 'target',
  verdict: 'result',
  voids: 'void',
};

export function consoleTable(results: readonly WorkloadResult[]): string {
  const rows = [HEADERS, ...results.map(toRow)];
  const keys = Object.keys(HEADERS) as (keyof Row)[];
  const widths = keys.map((key) => Math.max(...rows.map((row) => (row.otel === '' && key === 'trace' ? 0 : row[key].length))));
  const lines: string[] = [];
  rows.forEach((row, index) => {
    if (row !== HEADERS && row.otel === '' && row.ratio === '') {
      // unavailable / failed: one line that says why
      lines.push(`${row.id.padEnd(widths[0] as number)}  ${row.trace}`);
      return;
    }
    lines.push(
      keys
        .map((key, i) => row[key].padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    );
    if (index === 0) lines.push(widths.map((width) => '─'.repeat(width)).join('  '));
  });
  return lines.join('\n');
}

export function markdownTable(results: readonly WorkloadResult[]): string {
  const keys = Object.keys(HEADERS) as (keyof Row)[];
  const escapePipes = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [`| ${keys.map((key) => HEADERS[key]).join(' | ')} |`, `|${keys.map(() => '---').join('|')}|`];
  for (const result of results) {
    const row = toRow(result);
    lines.push(`| ${keys.map((key) => escapePipes(row[key])).join(' | ')} |`);
  }
  return lines.join('\n');
}

export interface ResultsDocument {
  generatedAt: string;
  machine: MachineInfo;
  /** The Node that ran the bench and the OpenTelemetry package versions compared against. */
  versions: ComparedVersions;
  settings: { rounds: number; warmup: number; scale: number; memoryRounds: number; clock: 'cpu' | 'wall'; sentinel: boolean; workloads: string[] };
  durationSeconds: number;
  results: (WorkloadResult & { target?: { text: string; measured: number | undefined; verdict: string } })[];
}

export function resultsDocument(
  results: readonly WorkloadResult[],
  machine: MachineInfo,
  versions: ComparedVersions,
  settings: ResultsDocument['settings'],
  durationSeconds: number,
): ResultsDocument {
  return {
    generatedAt: new Date().toISOString(),
    machine,
    versions,
    settings,
    durationSeconds,
    results: results.map((result) => {
      const outcome = judge(result);
      return outcome === undefined ? result : { ...result, target: { text: outcome.text, measured: outcome.measured, verdict: outcome.verdict } };
    }),
  };
}
