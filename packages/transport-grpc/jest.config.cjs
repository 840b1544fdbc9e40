const preset = require('../../jest.preset.cjs');

// The package's own `./testing` entry, mapped to its source like the preset maps every `@trace/*` name.
module.exports = {
  ...preset,
  moduleNameMapper: { '^@trace/transport-grpc/testing$': '<rootDir>/src/testing.ts', ...preset.moduleNameMapper },
};
