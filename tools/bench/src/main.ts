// `pnpm bench`: runs the selected workloads on @trace/* and the OpenTelemetry JS SDK side by side,
// prints the table with PASS/MISS per target, and writes the figures as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { USAGE, parseArgs } from './cli.js';
import { machineInfo } from './machine.js';
import { profileWorkload } from './profile.js';
import { consoleTable, markdownTable, resultsDocument } from './report.js';
import { type WorkloadResult, runWorkload } from './runner.js';
import { keepSentinelAlive } from './sentinel.js';
import { comparedVersions, describeVersions } from './versions.js';
import { WORKLOADS, selectWorkloads } from './workloads/index.js';
import type { Side } from './workload.js';

const PACKAGE_ROOT = resolve(__dirname, '..');

/** The OpenTelemetry 3.x packages declare Node >= 22.15. */
function nodeIsRecentEnough(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 15);
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    log(USAGE);
    return 0;
  }
  if (options.list) {
    for (const workload of WORKLOADS) log(`${workload.id.padEnd(15)} ${workload.title}`);
    return 0;
  }
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
    log('run with node --expose-gc (pnpm bench does): every sample starts with a forced GC');
    return 2;
  }
  const { selected, unknown } = selectWorkloads(options.workloads);
  if (unknown.length > 0) {
    log(`unknown workload(s): ${unknown.join(', ')}; known: ${WORKLOADS.map((workload) => workload.id).join(' ')}`);
    return 2;
  }
  const machine = machineInfo();
  if (!nodeIsRecentEnough()) {
    log(
      `the OpenTelemetry 3.x packages compared need Node >= 22.15; this is ${process.version}. Run through \`pnpm bench\` (dist/launch.js), which uses Node 24`,
    );
    return 2;
  }
  const versions = comparedVersions();
  if (options.sentinel) {
    keepSentinelAlive();
    log('DIAGNOSTIC RUN (--sentinel): one @trace span and context are kept alive, so full GCs cannot drop the Span hidden class');
  }

  if (options.profile) {
    const sides: Side[] = options.impl === 'both' ? ['trace', 'otel'] : [options.impl];
    for (const workload of selected) await profileWorkload(workload, sides, options.seconds, resolve(PACKAGE_ROOT, 'profiles'), log);
    return 0;
  }

  log(`trace bench on ${machine.cpuModel} × ${machine.cores}, load average ${machine.loadAverageAtStart}`);
  log(describeVersions(versions));
  if (machine.loadAverageAtStart > machine.cores / 2) log('warning: the machine is busy; absolute figures will be noisy (per-round ratios less so)');
  log(`rounds ${options.rounds} after ${options.warmup} warm-up, scale ${options.scale}, W6 readings ${options.memoryRounds} per side, ${options.clock} clock`);
  const started = process.hrtime.bigint();
  const results: WorkloadResult[] = [];
  for (const workload of selected) {
    const workloadStart = process.hrtime.bigint();
    const result = await runWorkload(workload, {
      rounds: options.rounds,
      warmup: options.warmup,
      scale: options.scale,
      memoryRounds: options.memoryRounds,
      clock: options.clock,
      log,
    });
    results.push(result);
    const seconds = Number(process.hrtime.bigint() - workloadStart) / 1e9;
    const note = result.status === 'ok' ? `${seconds.toFixed(1)} s` : `${result.status === 'unavailable' ? 'not available' : 'failed'}: ${result.reason ?? ''}`;
    log(`  ${result.id.padEnd(15)} ${note}`);
    for (const sample of result.voidSamples) log(`    void sample (${sample.side}, round ${sample.round}): ${sample.reason}`);
  }
  const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  log('');
  log(consoleTable(results));
  log('');
  log('@trace/OTel: median over rounds of @trace ÷ OTel in the same round: time (lower is better), bytes (W6, lower is better),');
  log("  delivered spans per second (W9, higher is better). W4 compares with jaeger-client; W7-jaeger with OTel's OTLP exporter.");
  log('min/min: @trace fastest sample / OTel fastest sample, a cross-check when the machine is busy. Targets use the median ratio.');
  log(describeVersions(versions));
  log(`total ${durationSeconds.toFixed(1)} s`);

  const fullRun = options.workloads.length === 0;
  const out = resolve(options.out ?? resolve(PACKAGE_ROOT, 'results', fullRun && !options.sentinel ? 'latest.json' : 'last-selection.json'));
  const document = resultsDocument(
    results,
    machine,
    versions,
    {
      rounds: options.rounds,
      warmup: options.warmup,
      scale: options.scale,
      memoryRounds: options.memoryRounds,
      clock: options.clock,
      sentinel: options.sentinel,
      workloads: selected.map((workload) => workload.id),
    },
    durationSeconds,
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  writeFileSync(
    out.replace(/\.json$/, '.md'),
    `Machine: ${machine.cpuModel} × ${machine.cores}, load average ${machine.loadAverageAtStart} at start${options.sentinel ? ', DIAGNOSTIC --sentinel run' : ''}\n\n${describeVersions(versions)}\n\n${markdownTable(results)}\n\n@trace/OTel: median over rounds of @trace ÷ OTel in the same round; time and bytes: lower is better; W9 delivered rate: higher is better.\n`,
  );
  log(`results: ${relative(process.cwd(), out)} (+ .md)`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
