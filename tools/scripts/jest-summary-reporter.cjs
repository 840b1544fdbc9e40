// Writes each package's jest totals to <repo>/.test-results/<package>.json, so that one line at
// the end of `pnpm test` can add up the whole workspace (see test-summary.mjs).
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const name = require(path.join(this.rootDir, 'package.json')).name;
    const dir = path.join(__dirname, '..', '..', '.test-results');
    mkdirSync(dir, { recursive: true });
    const totals = {
      package: name,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    writeFileSync(path.join(dir, `${name.replace(/[@/]/g, '_')}.json`), `${JSON.stringify(totals)}\n`);
  }
}

module.exports = SummaryReporter;
