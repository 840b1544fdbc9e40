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
    // exporter-jaeger has no 3.x release.
    String(line) === '2' ? [sdk, '@opentelemetry/exporter-jaeger@^2'] : undefined,
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
    job: 'setup from the OTEL_* environment, OTLP, HTTP spans',
  },
];

function splitSpec(spec) {
  const at = spec.lastIndexOf('@');
  return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, 'latest'];
}

// The bytes of a package's own files (a nested node_modules holds other packages, counted apart).
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
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') total += bytesUnder(path);
    } else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

async function install({ dir, dependencies, run, cleanEnv, installTimeoutMs }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'footprint', private: true, version: '0.0.0', dependencies }, null, 2)}\n`);
  // --ignore-scripts: no install script changes what lands on disk for these packages.
  const result = await run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: cleanEnv(),
    timeoutMs: installTimeoutMs,
  });
  if (result.code !== 0) return { error: `npm install failed: ${result.stderr.trim().split('\n').slice(0, 4).join(' ')}` };
  return { lock: JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) };
}

// Where Node (and npm's layout) finds `name` from the package at lock path `from`: its own
// node_modules, then each enclosing one up to the project's.
function resolveIn(lock, from, name) {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    if (base === '') return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

/**
 * What installing `names` alone brings: the packages reachable from them through dependencies,
 * installed optional dependencies and non-optional peers (npm installs those), in the tree npm
 * laid out for the project.
 */
function closureOf(lock, names) {
  const seen = new Set();
  const queue = [];
  for (const name of names) {
    const path = resolveIn(lock, '', name);
    if (path !== undefined) queue.push(path);
  }
  while (queue.length > 0) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    const entry = lock.packages[path];
    const wanted = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {})];
    for (const peer of Object.keys(entry.peerDependencies ?? {})) if (entry.peerDependenciesMeta?.[peer]?.optional !== true) wanted.push(peer);
    for (const name of wanted) {
      const found = resolveIn(lock, path, name);
      if (found !== undefined && !seen.has(found)) queue.push(found);
    }
  }
  return [...seen];
}

function measureSet(dir, lock, names) {
  const paths = closureOf(lock, names);
  const has = {};
  for (const name of HEAVY) has[name] = paths.some((path) => path.endsWith(`node_modules/${name}`));
  const versions = {};
  for (const name of names) versions[name] = lock.packages[`node_modules/${name}`]?.version;
  let bytes = 0;
  for (const path of paths) bytes += bytesUnder(join(dir, path));
  return { packages: paths.length, bytes, has, versions };
}

/**
 * Installs with npm, in fresh projects: every @trace tarball in one project, whose tree gives
 * each @trace set (one version of each package, so a set's closure there is what installing it
 * alone lays out: checked against one install per set, same counts and bytes); each OpenTelemetry
 * set in a project of its own, from the registry (newest of its line), since the newest releases
 * of different OpenTelemetry packages may pin different versions of their shared packages. A
 * failed @trace install is an error; a failed OpenTelemetry install (registry unreachable) leaves
 * its cells empty with the reason.
 */
export async function measureFootprints({ temp, tarballs, run, pool, cleanEnv, installTimeoutMs, otelLines }) {
  const rows = SETS.map((set) => ({ set, trace: undefined, otel: [] }));
  const jobs = [
    async () => {
      const dir = join(temp, 'footprint', 'trace');
      const dependencies = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
      const installed = await install({ dir, dependencies, run, cleanEnv, installTimeoutMs });
      if (installed.error !== undefined) throw new Error(`footprint: the @trace tarballs: ${installed.error}`);
      for (const row of rows) row.trace = measureSet(dir, installed.lock, row.set.trace);
      rmSync(dir, { recursive: true, force: true });
    },
  ];
  for (const line of otelLines) {
    otelSets(line).forEach((specs, index) => {
      if (specs === undefined) return;
      const otel = { line, names: specs.map((spec) => splitSpec(spec)[0]), measured: undefined };
      rows[index].otel.push(otel);
      jobs.push(async () => {
        const dir = join(temp, 'footprint', `otel${line}-${index}`);
        const installed = await install({ dir, dependencies: Object.fromEntries(specs.map(splitSpec)), run, cleanEnv, installTimeoutMs });
        otel.measured = installed.error !== undefined ? installed : measureSet(dir, installed.lock, otel.names);
        // Measured: gone now rather than at the end, so the temporary folder stays small.
        rmSync(dir, { recursive: true, force: true });
      });
    });
  }
  await pool(jobs, 2, (job) => job());
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
