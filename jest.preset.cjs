// Shared jest settings for every workspace package. Tests import sibling packages by name; the
// mapper points those names at their TypeScript sources so a test never runs against a stale build.
const path = require('node:path');

const packagesDir = path.join(__dirname, 'packages');

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // `.cts`: a source that stays CommonJS in both builds (@trace/node's package-require.cts),
  // imported by the others as `./name.cjs`. The mapper names that file only: a pattern for every
  // relative `.cjs` would also rewrite imports inside dependencies that ship real `.cjs` files
  // (@opentelemetry/api 1.10 does).
  moduleFileExtensions: ['ts', 'tsx', 'cts', 'js', 'cjs', 'mjs', 'json', 'node'],
  transform: {
    '^.+\\.c?tsx?$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.test.json') }],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*/?package-require)\\.cjs$': '$1.cts',
    '^@trace/([a-z-]+)/([a-z-]+)$': path.join(packagesDir, '$1/src/$2.ts'),
    '^@trace/([a-z-]+)$': path.join(packagesDir, '$1/src/index.ts'),
    '^@trace-tools/test-kit$': path.join(__dirname, 'tools/test-kit/src/index.ts'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 20000,
  reporters: ['default', path.join(__dirname, 'tools/scripts/jest-summary-reporter.cjs')],
};
