// `pnpm bench` starts here, on whatever Node the machine has. The OpenTelemetry 3.x packages the
// bench compares against need Node >= 22.15, so the bench itself runs on Node 24: the machine's
// own when it is 24, else the binary of the `node-<platform>-<arch>` registry package, installed
// once into a cache directory with `npm install --prefix` (nothing global).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The Node the figures are taken on; pinned so that runs on different days compare. */
const NODE_VERSION = process.env['TRACE_BENCH_NODE_VERSION'] ?? '24.22.3';
/** V8 flags the bench scripts pass on to the Node that runs the bench. */
const NODE_FLAGS = new Set(['--single-threaded-gc']);

function cacheDirectory(): string {
  const base = process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache');
  return join(base, 'trace-bench');
}

/** Path of a Node 24 binary, installing it when needed; undefined (after saying why) when it cannot. */
function node24(): string | undefined {
  const chosen = process.env['TRACE_BENCH_NODE'];
  if (chosen !== undefined && chosen !== '') return chosen;
  // A machine already on Node 24 runs the bench itself, unless a version was asked for.
  const pinned = process.env['TRACE_BENCH_NODE_VERSION'] !== undefined;
  if (process.versions.node === NODE_VERSION || (!pinned && process.versions.node.startsWith('24.'))) return process.execPath;
  const packageName = `node-${process.platform}-${process.arch}`;
  if (process.platform === 'win32') {
    process.stderr.write(`bench: set TRACE_BENCH_NODE to a Node ${NODE_VERSION} binary (automatic install is for Linux and macOS)\n`);
    return undefined;
  }
  const prefix = join(cacheDirectory(), `${packageName}@${NODE_VERSION}`);
  const binary = join(prefix, 'node_modules', packageName, 'bin', 'node');
  if (existsSync(binary)) return binary;
  process.stdout.write(`bench: installing ${packageName}@${NODE_VERSION} into ${prefix} (once)\n`);
  // pnpm hands its settings down as npm_config_* variables; npm warns about the ones it does not know.
  const env = { ...process.env };
  delete env['npm_config_recursive'];
  const installed = spawnSync(
    'npm',
    ['install', '--prefix', prefix, '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `${packageName}@${NODE_VERSION}`],
    { stdio: 'inherit', env },
  );
  if (installed.status !== 0 || !existsSync(binary)) {
    process.stderr.write(`bench: could not install ${packageName}@${NODE_VERSION}; set TRACE_BENCH_NODE to a Node 24 binary\n`);
    return undefined;
  }
  return binary;
}

function launch(): number {
  const node = node24();
  if (node === undefined) return 2;
  const args = process.argv.slice(2);
  const nodeFlags = args.filter((arg) => NODE_FLAGS.has(arg));
  const benchArgs = args.filter((arg) => !NODE_FLAGS.has(arg));
  const main = resolve(__dirname, 'main.js');
  const child = spawnSync(node, ['--expose-gc', ...nodeFlags, main, ...benchArgs], { stdio: 'inherit' });
  if (child.error !== undefined) {
    process.stderr.write(`bench: cannot run ${node}: ${child.error.message}\n`);
    return 2;
  }
  return child.status ?? 1;
}

process.exitCode = launch();
