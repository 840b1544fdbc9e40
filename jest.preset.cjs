// Shared jest settings for every workspace package. Tests import sibling packages by name; the
// mapper points those names at their TypeScript sources so a test never runs against a stale build.
const path = require('node:path');

const packagesDir = path.join(__dirname, 'packages');

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.test.json') }],
  },
  moduleNameMapper: {
    '^@trace/([a-z-]+)/([a-z-]+)$': path.join(packagesDir, '$1/src/$2.ts'),
    '^@trace/([a-z-]+)$': path.join(packagesDir, '$1/src/index.ts'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 20000,
  reporters: ['default', path.join(__dirname, 'tools/scripts/jest-summary-reporter.cjs')],
};
