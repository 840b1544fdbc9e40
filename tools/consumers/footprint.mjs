// Install footprint: what `npm install` puts on disk for a set of packages, in a fresh project
// each: the packages installed (package-lock.json), the bytes of their files, and whether the
// heavy dependencies came along. The @trace sets install from the packed tarballs; the
// OpenTelemetry sets from the registry at their current versions, measured the same way.
import { lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HEAVY = ['@grpc/grpc-js', 'protobufjs', 'node-fetch'];

// Pairs to compare, each @trace set beside what an OpenTelemetry SDK user installs for the same
// job. OpenTelemetry JS has two current lines: 3.x (Node >= 22.15; `@opentelemetry/sdk-trace`
// took over `sdk-trace-node`) and 2.x (what runs on Node 20); `name@range` picks the newest
// release of a line.
const OTEL_LINES = {
  3: { sdk: '@opentelemetry/sdk-trace@^3', zipkin: '@opentelemetry/exporter-zipkin@^3', experimental: '>=0.300.0 <0.400.0' },
  2: { sdk: '@opentelemetry/sdk-trace-node@^2', zipkin: '@opentelemetry/exporter-zipkin@^2', experimental: '>=0.200.0 <0.300.0' },
};

function otelSets(line) {
  const { sdk, zipkin, experimental } = OTEL_LINES[line];
  return [
    [sdk],
    [sdk, zipkin],
    [sdk, `@opentelemetry/exporter-trace-otlp-proto@${experimental}`],
    [sdk, `@opentelemetry/exporter-trace-otlp-grpc@${experimental}`],
    undefined,
    [`@opentelemetry/sdk-node@${experimental}`, `@opentelemetry/instrumentation-http@${experimental}`],
  ];
}

export const SETS = [
  { trace: ['@trace/core'], job: 'tracer only' },
  { trace: ['@trace/core', '@trace/exporter-zipkin'], job: 'Zipkin' },
  { trace: ['@trace/core', '@trace/exporter-otlp', '@trace/otel-adapter'], job: 'OTLP/HTTP protobuf' },
  { trace: ['@trace/core', '@trace/exporter-otlp', '@trace/otel-adapter', '@trace/transport-grpc'], job: 'OTLP/gRPC' },
  { trace: ['@trace/core', '@trace/exporter-jaeger'], job: 'Jaeger Thrift/HTTP' },
  {
    trace: ['@trace/node', '@trace/core', '@trace/exporter-otlp', '@trace/otel-adapter', '@trace/instrumentation-http'],
    job: 'setup from the OTEL_* environment',
  },
];

function splitSpec(spec) {
  const at = spec.lastIndexOf('@');
  return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, 'latest'];
}

function bytesUnder(dir) {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

// A @trace set installs the tarballs of its packages and of the @trace packages they depend on
// (the registry would supply those); optional peers stay out, as npm leaves them.
function traceClosure(names, manifests) {
  const wanted = new Set(names);
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.shift();
    for (const dependency of Object.keys(manifests[name]?.dependencies ?? {})) {
      if (dependency.startsWith('@trace/') && !wanted.has(dependency)) {
        wanted.add(dependency);
        queue.push(dependency);
      }
    }
  }
  return [...wanted];
}

async function measure({ dir, dependencies, run, cleanEnv, installTimeoutMs }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'footprint', private: true, version: '0.0.0', dependencies }, null, 2)}\n`);
  // --ignore-scripts: no install script changes what lands on disk for these packages.
  const result = await run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: cleanEnv(),
    timeoutMs: installTimeoutMs,
  });
  if (result.code !== 0) return { error: `npm install failed: ${result.stderr.trim().split('\n').slice(0, 4).join(' ')}` };
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  const installed = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && entry.link !== true);
  const has = {};
  for (const name of HEAVY) has[name] = installed.some(([path]) => path.endsWith(`node_modules/${name}`));
  const versions = {};
  for (const name of Object.keys(dependencies)) versions[name] = lock.packages[`node_modules/${name}`]?.version;
  const bytes = bytesUnder(join(dir, 'node_modules'));
  // Measured: gone now rather than at the end, so the temporary folder stays small.
  rmSync(dir, { recursive: true, force: true });
  return { packages: installed.length, bytes, has, versions };
}

/**
 * Measures every set. A failed @trace install is an error (it is what the package offers); a
 * failed OpenTelemetry install (registry unreachable) leaves its cells empty with the reason.
 */
export async function measureFootprints({ temp, tarballs, manifests, run, pool, cleanEnv, installTimeoutMs, otelLines }) {
  const rows = [];
  const jobs = [];
  SETS.forEach((set, index) => {
    const closure = traceClosure(set.trace, manifests);
    const traceDependencies = {};
    for (const name of closure) traceDependencies[name] = `file:${tarballs[name]}`;
    const row = { set, trace: undefined, otel: [], closure };
    rows.push(row);
    jobs.push(async () => {
      row.trace = await measure({ dir: join(temp, 'footprint', `trace-${index}`), dependencies: traceDependencies, run, cleanEnv, installTimeoutMs });
    });
    for (const line of otelLines) {
      const specs = otelSets(line)[index];
      if (specs === undefined) continue;
      const otel = { line, names: specs.map((spec) => splitSpec(spec)[0]), measured: undefined };
      row.otel.push(otel);
      jobs.push(async () => {
        otel.measured = await measure({
          dir: join(temp, 'footprint', `otel${line}-${index}`),
          dependencies: Object.fromEntries(specs.map(splitSpec)),
          run,
          cleanEnv,
          installTimeoutMs,
        });
      });
    }
  });
  await pool(jobs, 3, (job) => job());
  const broken = rows.filter((row) => row.trace.error !== undefined);
  if (broken.length > 0) throw new Error(`footprint: ${broken.map((row) => `${row.set.trace.join(' + ')}: ${row.trace.error}`).join('; ')}`);
  return rows;
}

const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 2 : 1)} MB`;
const yes = (flag) => (flag ? 'yes' : 'no');

/** The table, as Markdown (it goes into the root README as printed). */
export function printFootprints(rows) {
  const lines = ['| job | installed with npm | packages | size | grpc-js | protobufjs | node-fetch |', '| --- | --- | ---: | ---: | --- | --- | --- |'];
  const otelVersions = new Set();
  for (const row of rows) {
    const cells = (label, measured) => {
      if (measured === undefined) return;
      if (measured.error !== undefined) {
        lines.push(`| ${row.set.job} | ${label} | — | — | — | — | — (${measured.error}) |`);
        return;
      }
      lines.push(
        `| ${row.set.job} | ${label} | ${measured.packages} | ${megabytes(measured.bytes)} | ${yes(measured.has['@grpc/grpc-js'])} | ${yes(measured.has.protobufjs)} | ${yes(measured.has['node-fetch'])} |`,
      );
    };
    cells(row.set.trace.map((name) => `\`${name}\``).join(' + '), row.trace);
    for (const otel of row.otel) {
      cells(`${otel.names.map((name) => `\`${name}\``).join(' + ')} (${otel.line}.x)`, otel.measured);
      for (const [name, version] of Object.entries(otel.measured.versions ?? {})) if (version !== undefined) otelVersions.add(`${name} ${version}`);
    }
  }
  console.log(lines.join('\n'));
  console.log(`OpenTelemetry versions: ${[...otelVersions].sort().join(', ') || '(not measured)'}`);
}
