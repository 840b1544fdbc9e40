// Adds up the per-package jest totals written by jest-summary-reporter.cjs and prints one line:
// "tests: N passed, N failed, N skipped". Exits 1 when nothing ran at all.
//
// Skips: outside CI the skipped tests are listed by file (each suite also says why in one line
// when it skips). With CI=true every skipped test must match an entry of allowed-skips.txt, else
// this exits 1 and names it: a suite that quietly stops running is a failure, not a footnote.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const dir = join(root, '.test-results');
const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.json')) : [];
let passed = 0;
let failed = 0;
let skipped = 0;
const skippedTests = [];
for (const file of files) {
  const totals = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += totals.passed;
  failed += totals.failed;
  skipped += totals.skipped;
  skippedTests.push(...(totals.skippedTests ?? []));
  console.log(`  ${totals.package}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
}

const allowed = readAllowList(join(root, 'tools/scripts/allowed-skips.txt'));
const perFile = new Map();
for (const test of skippedTests) perFile.set(test.file, (perFile.get(test.file) ?? 0) + 1);
for (const [file, count] of perFile) console.log(`  skipped: ${file} (${count})`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);

let exitCode = passed + failed === 0 ? 1 : 0;
if (process.env.CI === 'true') {
  const unexpected = skippedTests.filter((test) => !allowed.some((entry) => matches(entry, test)));
  if (unexpected.length > 0) {
    console.error(`CI: ${unexpected.length} skipped test(s) not on tools/scripts/allowed-skips.txt:`);
    for (const test of unexpected) console.error(`  ${test.file} :: ${test.name}`);
    exitCode = 1;
  }
}
process.exit(exitCode);

/**
 * One entry a line: `<test file path from the repository root>` (every test in it) or
 * `<file> :: <full test name>`, then `# why it may skip in CI`. Blank and comment lines ignored.
 */
function readAllowList(file) {
  if (!existsSync(file)) return [];
  const entries = [];
  for (const [index, line] of readFileSync(file, 'utf8').split('\n').entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const hash = trimmed.indexOf(' #');
    if (hash === -1) {
      console.error(`allowed-skips.txt:${index + 1}: an entry needs a "# why" comment; ignored`);
      continue;
    }
    const [path, name] = trimmed.slice(0, hash).trim().split(' :: ');
    entries.push({ file: path.trim(), name: name?.trim() });
  }
  return entries;
}

function matches(entry, test) {
  return entry.file === test.file && (entry.name === undefined || entry.name === test.name);
}
