// The shared preset, plus the one CommonJS source file (`package-require.cts`), which the ESM
// sources import as `./package-require.cjs`.
const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  moduleFileExtensions: ['ts', 'cts', 'js', 'cjs', 'json'],
  transform: { '^.+\\.c?ts$': preset.transform['^.+\\.tsx?$'] },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.cjs$': '$1.cts',
    ...preset.moduleNameMapper,
  },
};
