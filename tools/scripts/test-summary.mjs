// Adds up the per-package jest totals written by jest-summary-reporter.cjs and prints one line:
// "tests: N passed, N failed, N skipped". Exits 1 when nothing ran at all.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(new URL('../..', import.meta.url).pathname, '.test-results');
const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.json')) : [];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  const totals = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += totals.passed;
  failed += totals.failed;
  skipped += totals.skipped;
  console.log(`  ${totals.package}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed + failed === 0) process.exit(1);
