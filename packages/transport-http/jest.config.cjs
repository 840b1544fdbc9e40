// The shared preset maps `@trace/<name>` to sources; this package also has a `/testing` subpath.
const path = require('node:path');
const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  moduleNameMapper: {
    '^@trace/transport-http/testing$': path.join(__dirname, 'src/testing.ts'),
    ...preset.moduleNameMapper,
  },
};
