// After `pnpm build`: every published package passes publint and "Are the types wrong?" (attw, on
// the packed tarball, every entry point of its `exports` map, under node10, node16 CJS/ESM and
// bundler resolution), and its built entry points load through both `import` and `require` on
// this Node (run from the package's own folder, so the package resolves itself by name through
// its `exports` map). Exits 1 on any problem.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { publint } from 'publint';

const require = createRequire(import.meta.url);
const attwManifest = require.resolve('@arethetypeswrong/cli/package.json');
const attw = join(dirname(attwManifest), JSON.parse(readFileSync(attwManifest, 'utf8')).bin.attw);

const root = new URL('../..', import.meta.url).pathname;
let problems = 0;
for (const dir of readdirSync(join(root, 'packages'))) {
  const pkgDir = join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const { messages } = await publint({ pkgDir, level: 'warning', strict: true });
  for (const message of messages) {
    problems++;
    console.error(`${pkg.name}: publint ${message.type} ${message.code} ${JSON.stringify(message.args)}`);
  }
  // Name every subpath explicitly, so a subpath attw failed to discover still gets checked.
  const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json');
  const types = spawnSync(process.execPath, [attw, '--pack', pkgDir, '--format', 'ascii', '--no-emoji', '--no-color', '--entrypoints', ...subpaths], {
    cwd: pkgDir,
    encoding: 'utf8',
  });
  if (types.status !== 0) {
    problems++;
    console.error(`${pkg.name}: attw found problems (exit ${types.status}):\n${types.stdout}${types.stderr}`);
  }
  const entries = Object.keys(pkg.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
  for (const entry of entries) {
    const esm = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); if (Object.keys(m).length === 0) process.exit(3);`],
      { cwd: pkgDir, encoding: 'utf8' },
    );
    const cjs = spawnSync(process.execPath, ['-e', `const m = require(${JSON.stringify(entry)}); if (Object.keys(m).length === 0) process.exit(3);`], {
      cwd: pkgDir,
      encoding: 'utf8',
    });
    for (const [kind, result] of [
      ['import', esm],
      ['require', cjs],
    ]) {
      if (result.status !== 0) {
        problems++;
        console.error(`${entry}: ${kind} failed (${result.status}): ${result.stderr.split('\n').slice(0, 3).join(' ')}`);
      }
    }
  }
  console.log(
    `${pkg.name}: ${messages.length === 0 ? 'publint clean' : `${messages.length} publint message(s)`}, ${types.status === 0 ? 'attw clean' : 'attw problems'}, ${entries.length} entry point(s) checked with attw, import and require`,
  );
}
if (problems > 0) process.exit(1);
