// Rewrites the golden payloads beside this file from what the encoders write today, for an
// intended change to the encoding: run `node test/golden/regenerate.mjs` in packages/exporter-jaeger,
// then review `git diff` (and let CI decode the new payloads with the official schemas).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const run = spawnSync('pnpm', ['exec', 'jest', 'test/golden.test.ts'], {
  cwd: packageDir,
  env: { ...process.env, TRACE_UPDATE_GOLDEN: '1' },
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
