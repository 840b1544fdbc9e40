// The shared preset (sources through the mapper). One test file at a time: the outage and
// overload cases measure a real pipeline against real servers and must not share the 2 cores.
const preset = require('../../jest.preset.cjs');

module.exports = { ...preset, maxWorkers: 1, testTimeout: 60_000 };
