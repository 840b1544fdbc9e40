// Builds the package in the current directory twice, so it loads from both `import` and `require`:
//   dist/esm  ES modules  (+ a package.json saying "type": "module")
//   dist/cjs  CommonJS    (+ a package.json saying "type": "commonjs")
// Each half carries its own .d.ts, so TypeScript resolves the right flavour for each condition.
// No source maps or declaration maps: the tarball ships `dist` only, and a map pointing at `src/`
// files a user does not have would be dead weight (about 40% of the unpacked size) that also
// sends debuggers and editors looking for sources that are not there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

rmSync('dist', { recursive: true, force: true });
const builds = [
  { outDir: 'dist/esm', module: 'esnext', moduleResolution: 'bundler', type: 'module' },
  { outDir: 'dist/cjs', module: 'nodenext', moduleResolution: 'nodenext', type: 'commonjs' },
];
for (const build of builds) {
  execFileSync(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      build.outDir,
      '--module',
      build.module,
      '--moduleResolution',
      build.moduleResolution,
      '--sourceMap',
      'false',
      '--declarationMap',
      'false',
    ],
    { stdio: 'inherit' },
  );
  mkdirSync(build.outDir, { recursive: true });
  writeFileSync(`${build.outDir}/package.json`, `${JSON.stringify({ type: build.type })}\n`);
}
