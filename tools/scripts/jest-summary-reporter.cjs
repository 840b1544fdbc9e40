// Writes each package's jest totals to <repo>/.test-results/<package>.json, so that one line at
// the end of `pnpm test` can add up the whole workspace (see test-summary.mjs). Skipped tests are
// listed by file and full name, so that CI can fail on any skip that is not on the allow-list.
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const repoRoot = path.join(__dirname, '..', '..');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const name = require(path.join(this.rootDir, 'package.json')).name;
    const dir = path.join(repoRoot, '.test-results');
    mkdirSync(dir, { recursive: true });
    const skippedTests = [];
    for (const file of results.testResults) {
      const relative = path.relative(repoRoot, file.testFilePath).split(path.sep).join('/');
      for (const test of file.testResults) {
        if (test.status === 'pending' || test.status === 'skipped' || test.status === 'todo') {
          skippedTests.push({ file: relative, name: test.fullName });
        }
      }
    }
    const totals = {
      package: name,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      skippedTests,
    };
    writeFileSync(path.join(dir, `${name.replace(/[@/]/g, '_')}.json`), `${JSON.stringify(totals)}\n`);
  }
}

module.exports = SummaryReporter;
