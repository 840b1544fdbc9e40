// A user's install, from the tarballs: after `pnpm build`, packs every published @trace/*
// package (`pnpm pack` rewrites `workspace:` ranges as publishing does), installs the tarballs
// into two projects under the OS temp folder, one with npm and one with strict pnpm (isolated
// node_modules, nothing hoisted), and runs each package README's first example there as ESM,
// CommonJS, and TypeScript (strict, no skipLibCheck, `nodenext`, compiled with the repository's
// TypeScript) as ESM and as CommonJS, against a loopback receiver started for each run. Then it
// prints the install footprint beside the OpenTelemetry SDK's (see footprint.mjs).
//
//   node tools/consumers/check-consumers.mjs                 # everything (CI)
//   node tools/consumers/check-consumers.mjs --no-footprint  # only the examples
//   node tools/consumers/check-consumers.mjs --no-examples --otel 2,3  # only the footprint
//   node tools/consumers/check-consumers.mjs --only core,viewer --keep
//
// Exits 1 when an example fails, with what was expected and what the run printed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startViewer } from '@trace/viewer';
import { measureFootprints, printFootprints } from './footprint.mjs';

const require = createRequire(import.meta.url);
const { firstExample, renderExample, replaceLiterals } = require('./examples.cjs');
const { CASES, PRELOAD_APP } = require('./cases.cjs');
const ts = require('typescript');

const ROOT = new URL('../..', import.meta.url).pathname;
const SELF = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const only = option('--only')?.split(',');
const INSTALL_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 30_000;
const CONCURRENCY = Number(option('--concurrency') ?? 3);
// The whole step stops at this point, whatever is still running (CI budget).
const DEADLINE = Date.now() + Number(option('--deadline-seconds') ?? 300) * 1000;

const started = Date.now();
const seconds = (from) => `${((Date.now() - from) / 1000).toFixed(1)}s`;
const children = new Set();
let work;

// ---- processes -------------------------------------------------------------------------------

// Installers and examples run in their own process group, so a timeout ends their children too.
// The environment is the user's, minus what pnpm passes to scripts (npm_config_*), which would
// otherwise configure the installs in the temporary projects.
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|OTEL_|NODE_OPTIONS$|INIT_CWD$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function run(command, commandArgs, { cwd, env = cleanEnv(), timeoutMs, onStdout } = {}) {
  return new Promise((done) => {
    const from = Date.now();
    const own = timeoutMs ?? RUN_TIMEOUT_MS;
    const limit = Math.max(1000, Math.min(own, DEADLINE - Date.now()));
    const byDeadline = limit < own;
    const child = spawn(command, commandArgs, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      onStdout?.(stdout);
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, limit);
    child.on('error', (error) => {
      stderr += `${error.message}\n`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      done({ code, signal, stdout, stderr, timedOut, byDeadline, ms: Date.now() - from, limit, child });
    });
    // The server role stops the example itself.
    if (onStdout !== undefined) onStdout(stdout, child);
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function tail(text, lines = 12) {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

// ---- packing -----------------------------------------------------------------------------------

function publishedPackages() {
  const list = [];
  for (const dir of readdirSync(join(ROOT, 'packages')).sort()) {
    const file = join(ROOT, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    if (manifest.private === true) continue;
    list.push({ dir, name: manifest.name, manifest });
  }
  return list;
}

async function pack(packages, into) {
  const tarballs = {};
  await pool(packages, 4, async (pkg) => {
    const result = await run('pnpm', ['pack', '--pack-destination', into], { cwd: join(ROOT, 'packages', pkg.dir), env: cleanEnv(), timeoutMs: 60_000 });
    if (result.code !== 0) throw new Error(`pnpm pack failed in packages/${pkg.dir} (${describeExit(result)}):\n${tail(result.stdout + result.stderr)}`);
  });
  for (const file of readdirSync(into)) {
    const pkg = packages.find((candidate) => file === `${candidate.name.slice(1).replace('/', '-')}-${candidate.manifest.version}.tgz`);
    if (pkg !== undefined) tarballs[pkg.name] = join(into, file);
  }
  for (const pkg of packages) {
    if (tarballs[pkg.name] === undefined) throw new Error(`pnpm pack left no tarball for ${pkg.name} in ${into}`);
  }
  return tarballs;
}

// ---- projects ----------------------------------------------------------------------------------

function consumerDependencies(tarballs) {
  const dependencies = {};
  for (const [name, file] of Object.entries(tarballs)) dependencies[name] = `file:${file}`;
  // What the examples' READMEs ask to install beside the @trace packages, and the types a
  // TypeScript user adds.
  for (const [name, range] of Object.entries(SELF.consumerDependencies)) dependencies[name] = range;
  return dependencies;
}

async function install(kind, dir, tarballs) {
  mkdirSync(dir, { recursive: true });
  const dependencies = consumerDependencies(tarballs);
  const manifest = { name: `trace-consumer-${kind}`, private: true, version: '0.0.0', dependencies };
  let result;
  if (kind === 'npm') {
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    result = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeoutMs: INSTALL_TIMEOUT_MS });
  } else {
    // Published @trace packages depend on each other by version range; point every one of those
    // at its tarball too, as the registry would.
    const overrides = {};
    for (const [name, file] of Object.entries(tarballs)) overrides[name] = `file:${file}`;
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ ...manifest, pnpm: { overrides } }, null, 2)}\n`);
    // Strict: each package sees only what it declares (no hoisting, not even to .pnpm/node_modules).
    // Peer checks stay at pnpm's default (warnings): the overrides above turn the `*` peer ranges
    // into `file:` specs too, which pnpm then reports as unmet by the very tarball it linked.
    writeFileSync(join(dir, '.npmrc'), 'node-linker=isolated\nhoist=false\npublic-hoist-pattern=\nshamefully-hoist=false\n');
    result = await run('pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile', '--reporter=append-only'], {
      cwd: dir,
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
  }
  if (result.code !== 0) throw new Error(`${kind} install of the tarballs failed (${describeExit(result)}):\n${tail(result.stdout + result.stderr, 30)}`);
  return result.ms;
}

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    skipLibCheck: false,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    types: ['node'],
    rootDir: 'ts',
    outDir: 'ts-out',
    newLine: 'lf',
  },
  include: ['ts'],
};

function stripTypes(code) {
  return ts
    .transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } })
    .outputText.replace(/^export \{\};\s*$/m, '');
}

// Writes the four files of every example into a project and compiles the TypeScript ones; a
// type error fails that package's TypeScript runs (the others still run).
async function writeExamples(dir, examples) {
  mkdirSync(join(dir, 'ts'), { recursive: true });
  writeFileSync(join(dir, 'app.cjs'), PRELOAD_APP);
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  for (const example of examples) {
    writeFileSync(join(dir, `${example.dir}.mjs`), example.files.mjs);
    writeFileSync(join(dir, `${example.dir}.cjs`), example.files.cjs);
    writeFileSync(join(dir, 'ts', `${example.dir}.mts`), example.files.mts);
    writeFileSync(join(dir, 'ts', `${example.dir}.cts`), example.files.cts);
  }
  const tsc = require.resolve('typescript/bin/tsc');
  const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, timeoutMs: 120_000 });
  const typeErrors = {};
  for (const line of `${result.stdout}${result.stderr}`.split('\n')) {
    const match = /^ts\/([a-z-]+)\.(mts|cts)\(/.exec(line);
    const key = match === null ? 'other' : `${match[1]}.${match[2]}`;
    if (!line.includes('error TS')) continue;
    typeErrors[key] ??= [];
    typeErrors[key].push(line);
  }
  if (result.code !== 0 && Object.keys(typeErrors).length === 0) {
    typeErrors.other = [`tsc failed (${describeExit(result)}): ${tail(result.stdout + result.stderr)}`];
  }
  return { typeErrors, ms: result.ms };
}

// ---- running one example -----------------------------------------------------------------------

function describeExit(result) {
  if (result.timedOut && result.byDeadline) return 'killed at the step deadline (--deadline-seconds)';
  if (result.timedOut) return `killed after ${(result.limit / 1000).toFixed(0)} s`;
  return result.signal === null ? `exit ${result.code}` : `signal ${result.signal}`;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The service the instrumentation-http example calls: answers and records the `traceparent` it got.
async function startStock() {
  const seen = [];
  const server = createServer((request, response) => {
    seen.push(request.headers.traceparent);
    response.end('3 in stock');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/stock`, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function receiverStats(viewer) {
  const response = await fetch(`${viewer.url.replace(/\/$/, '')}/api/stats`);
  return (await response.json()).receivers;
}

function spansOf(viewer, service) {
  const spans = [];
  for (const summary of viewer.store.findTraces({ service, limit: 1000 })) {
    for (const span of viewer.store.getTrace(summary.traceId)?.spans ?? []) if (span.service === service) spans.push(span);
  }
  return spans;
}

// Calls the example's server until it answers (it needs a moment to start), then stops it.
async function exerciseServer(port, child, exited) {
  for (let attempt = 0; attempt < 100 && !exited(); attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
      const body = await response.text();
      killGroup(child, 'SIGTERM');
      return body;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  killGroup(child, 'SIGTERM');
  return undefined;
}

async function runExample(project, example, variant) {
  const spec = example.spec;
  const file = { mjs: `${example.dir}.mjs`, cjs: `${example.dir}.cjs`, mts: `ts-out/${example.dir}.mjs`, cts: `ts-out/${example.dir}.cjs` }[variant];
  const problems = [];
  const typeErrors = project.typeErrors[`${example.dir}.${variant}`];
  if (typeErrors !== undefined) problems.push(`type errors:\n    ${typeErrors.join('\n    ')}`);
  if (!existsSync(join(project.dir, file))) return { problems: [...problems, `${file} was not written`], output: '' };

  const viewer = await startViewer({ port: 0, otlpPort: 0, zipkinPort: 0, jaegerPort: 0, otlpGrpcPort: spec.grpc ? 0 : false, maxSpans: 10_000 });
  const stock = spec.expect.traceparent ? await startStock() : undefined;
  try {
    const r = {
      otlp: `http://127.0.0.1:${viewer.ports.otlp}`,
      zipkin: `http://127.0.0.1:${viewer.ports.zipkin}`,
      jaeger: `http://127.0.0.1:${viewer.ports.jaeger}`,
      otlpGrpc: `127.0.0.1:${viewer.ports.otlpGrpc}`,
      otlpGrpcPort: viewer.ports.otlpGrpc,
      stock: stock?.url,
      appPort: spec.role === 'server' ? await freePort() : undefined,
    };
    // The endpoint goes into the file for this run only: the project's copy is rewritten per run.
    const source = readFileSync(join(project.dir, file), 'utf8');
    const adapted = replaceLiterals(source, spec.replace?.(r) ?? []);
    if (!adapted.ok) return { problems: [...problems, `README example: ${adapted.error}`], output: '' };
    const runFile = file.replace(/(\.[mc]?js)$/, `.run-${process.pid}-${Math.random().toString(36).slice(2, 8)}$1`);
    writeFileSync(join(project.dir, runFile), adapted.value);

    const argv = spec.role === 'preload' ? [file.endsWith('.cjs') ? '-r' : '--import', `./${runFile}`, 'app.cjs'] : [`./${runFile}`];
    let served;
    let exited = false;
    const result = await run(process.execPath, argv, {
      cwd: project.dir,
      env: cleanEnv(spec.env?.(r) ?? {}),
      onStdout:
        spec.role === 'server'
          ? (_stdout, child) => {
              if (child !== undefined) served = exerciseServer(r.appPort, child, () => exited);
            }
          : undefined,
    });
    exited = true;
    const body = served === undefined ? undefined : await served;
    rmSync(join(project.dir, runFile), { force: true });
    const output = `${result.stdout}${result.stderr}`;

    const stoppedByUs = spec.role === 'server' && result.signal === 'SIGTERM';
    if (!stoppedByUs && (result.code !== 0 || result.timedOut)) problems.push(`it ended with ${describeExit(result)}`);
    if (spec.role === 'server' && body !== '3 in stock') problems.push(`its server answered ${JSON.stringify(body)}, not the stock service's "3 in stock"`);
    for (const text of spec.expect.stdout ?? []) if (!result.stdout.includes(text)) problems.push(`stdout lacks ${JSON.stringify(text)}`);
    for (const [text, count] of Object.entries(spec.expect.stdoutCount ?? {})) {
      const found = result.stdout.split(text).length - 1;
      if (found < count) problems.push(`stdout has ${JSON.stringify(text)} ${found} times, expected at least ${count}`);
    }
    if (stock !== undefined) {
      if (!stock.seen.some((header) => /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/.test(header ?? ''))) {
        problems.push(`the called service got no traceparent (got ${JSON.stringify(stock.seen)})`);
      }
    }
    if (spec.expect.spans !== undefined) {
      const { service, names, receiver } = spec.expect.spans;
      // Exports finish before the example exits, but give the receiver a moment to store them.
      let spans = [];
      for (let attempt = 0; attempt < 20; attempt++) {
        spans = spansOf(viewer, service);
        if (spans.length >= names.length) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const got = spans.map((span) => span.name).sort();
      const want = [...names].sort();
      if (JSON.stringify(got) !== JSON.stringify(want))
        problems.push(`the receiver stored spans ${JSON.stringify(got)} for service ${service}, expected ${JSON.stringify(want)}`);
      const stats = await receiverStats(viewer);
      if ((stats[receiver]?.acceptedSpans ?? 0) < names.length) problems.push(`the ${receiver} receiver accepted ${stats[receiver]?.acceptedSpans ?? 0} spans`);
    }
    if (spec.expect.accepted !== undefined) {
      const stats = await receiverStats(viewer);
      if ((stats[spec.expect.accepted]?.acceptedRequests ?? 0) < 1)
        problems.push(`the ${spec.expect.accepted} receiver accepted no request (${JSON.stringify(stats[spec.expect.accepted])})`);
    }
    return { problems, output, ms: result.ms };
  } finally {
    await stock?.close();
    await viewer.stop();
  }
}

// ---- orchestration -----------------------------------------------------------------------------

async function pool(items, size, task) {
  const queue = [...items];
  const failures = [];
  await Promise.all(
    Array.from({ length: Math.min(size, queue.length) }, async () => {
      while (queue.length > 0) {
        const item = queue.shift();
        try {
          await task(item);
        } catch (error) {
          failures.push(error);
        }
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
}

// At most `size` tasks at once, the rest wait their turn.
function limiter(size) {
  let active = 0;
  const waiting = [];
  return async (task) => {
    while (active >= size) await new Promise((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

async function runJob(job) {
  let outcome;
  // A server example listens on a port picked just before it starts; another process may take it
  // first (EADDRINUSE): then it runs again on another.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      outcome = await runExample(job.project, job.example, job.variant);
    } catch (error) {
      outcome = { problems: [`the check itself failed: ${error.stack ?? error}`], output: '' };
    }
    if (!(job.example.spec.role === 'server' && outcome.output.includes('EADDRINUSE'))) break;
  }
  return outcome;
}

function loadExamples(packages) {
  const examples = [];
  const problems = [];
  for (const pkg of packages) {
    const spec = CASES[pkg.dir];
    if (spec === undefined) {
      problems.push(`${pkg.name}: no case in tools/consumers/cases.cjs says how to run its README example`);
      continue;
    }
    const code = firstExample(readFileSync(join(ROOT, 'packages', pkg.dir, 'README.md'), 'utf8'));
    if (code === undefined) {
      problems.push(`${pkg.name}: its README has no \`\`\`ts or \`\`\`js block`);
      continue;
    }
    examples.push({ dir: pkg.dir, name: pkg.name, spec, files: renderExample(code, stripTypes) });
  }
  return { examples, problems };
}

async function main() {
  const all = publishedPackages();
  const { examples, problems } = loadExamples(all);
  const selected = only === undefined ? examples : examples.filter((example) => only.includes(example.dir));
  const temp = mkdtempSync(join(tmpdir(), 'trace-consumers-'));
  work = temp;
  let failed = problems.length;
  for (const problem of problems) console.error(`FAIL ${problem}`);
  try {
    let from = Date.now();
    const tarballDir = join(temp, 'tarballs');
    mkdirSync(tarballDir);
    const tarballs = await pack(all, tarballDir);
    console.log(`packed ${all.length} packages with pnpm pack in ${seconds(from)}`);

    // The footprint installs run beside the examples: both spend much of their time waiting (on
    // the registry, on loopback exports), so overlapping them shortens the step.
    const footprintFrom = Date.now();
    const otelLines = (option('--otel') ?? '3').split(',').filter((line) => line === '2' || line === '3');
    const footprint = flag('--no-footprint')
      ? undefined
      : measureFootprints({ temp, tarballs, run, pool, cleanEnv, installTimeoutMs: INSTALL_TIMEOUT_MS, otelLines }).then(
          (rows) => ({ rows, seconds: seconds(footprintFrom) }),
          (error) => ({ error }),
        );

    // Each project runs its examples as soon as it is installed and compiled, sharing one limit on
    // how many run at once.
    const projects = [];
    const jobs = [];
    const results = new Map();
    const limit = limiter(CONCURRENCY);
    from = Date.now();
    await pool(flag('--no-examples') ? [] : ['npm', 'pnpm'], 2, async (kind) => {
      const dir = join(temp, kind);
      let installMs;
      try {
        installMs = await install(kind, dir, tarballs);
      } catch (error) {
        // The other installer's project still runs its examples.
        failed++;
        console.error(`FAIL ${error.message}`);
        return;
      }
      const { typeErrors, ms } = await writeExamples(dir, selected);
      console.log(`${kind}: installed the tarballs in ${(installMs / 1000).toFixed(1)}s, compiled the TypeScript examples in ${(ms / 1000).toFixed(1)}s`);
      if (typeErrors.other !== undefined) {
        failed++;
        console.error(`FAIL ${kind} tsc: ${typeErrors.other.join('\n')}`);
      }
      const project = { kind, dir, typeErrors };
      projects.push(project);
      const mine = [];
      for (const example of selected) for (const variant of ['mjs', 'cjs', 'mts', 'cts']) mine.push({ project, example, variant });
      jobs.push(...mine);
      await Promise.all(mine.map((job) => limit(() => runJob(job).then((outcome) => results.set(job, outcome)))));
    });
    projects.sort((a, b) => a.kind.localeCompare(b.kind));
    for (const project of projects) {
      for (const example of selected) {
        const cells = [];
        for (const variant of ['mjs', 'cjs', 'mts', 'cts']) {
          const job = jobs.find((candidate) => candidate.project === project && candidate.example === example && candidate.variant === variant);
          const outcome = results.get(job);
          cells.push(`${variant} ${outcome.problems.length === 0 ? 'ok' : 'FAIL'}`);
          if (outcome.problems.length > 0) {
            failed++;
            console.error(
              `FAIL ${project.kind} ${example.name} README example as .${variant}:\n  ${outcome.problems.join('\n  ')}\n  output:\n    ${tail(outcome.output).replace(/\n/g, '\n    ')}`,
            );
          }
        }
        console.log(`${project.kind.padEnd(4)} ${example.name.padEnd(28)} ${cells.join('  ')}`);
      }
    }
    console.log(`installed, compiled and ran the examples (${jobs.length} runs) in ${seconds(from)}`);

    if (footprint !== undefined) {
      const measured = await footprint;
      if (measured.error !== undefined) throw measured.error;
      printFootprints(measured.rows);
      console.log(`measured the footprints in ${measured.seconds} (beside the examples)`);
    }
  } catch (error) {
    failed++;
    console.error(`FAIL ${error.message ?? error}`);
  } finally {
    for (const child of children) killGroup(child, 'SIGKILL');
    if (flag('--keep')) console.log(`kept ${temp}`);
    else rmSync(temp, { recursive: true, force: true });
  }
  const verdict = failed > 0 ? `${failed} problem(s)` : flag('--no-examples') ? 'examples not run (--no-examples)' : 'every README example ran';
  console.log(`consumers: ${verdict} (${seconds(started)} in all)`);
  process.exitCode = failed === 0 ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) killGroup(child, 'SIGKILL');
    if (work !== undefined && !flag('--keep')) rmSync(work, { recursive: true, force: true });
    process.exit(1);
  });
}

await main();
