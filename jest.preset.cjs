// Shared jest settings for every workspace package. Tests import sibling packages by name; the
// mapper points those names at their TypeScript sources so a test never runs against a stale build.
const path = require('node:path');

const packagesDir = path.join(__dirname, 'packages');

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // `.cts`: a source that stays CommonJS in both builds (@trace/node's package-require.cts),
  // imported by the others as `./name.cjs`.
  moduleFileExtensions: ['ts', 'tsx', 'cts', 'js', 'cjs', 'mjs', 'json', 'node'],
  transform: {
    '^.+\\.c?tsx?$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.test.json') }],
  },
  moduleNameMapper: {
    '^(\\./package-require)\\.cjs$': '$1.cts',
    '^@trace/([a-z-]+)/([a-z-]+)$': path.join(packagesDir, '$1/src/$2.ts'),
    '^@trace/([a-z-]+)$': path.join(packagesDir, '$1/src/index.ts'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 20000,
  reporters: ['default', path.join(__dirname, 'tools/scripts/jest-summary-reporter.cjs')],
};
