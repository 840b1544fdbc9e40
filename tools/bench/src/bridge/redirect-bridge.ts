// Preloaded (`--require`) into a bench:bridge server run with `--before <file>`: the server's
// `require('@trace/otel-adapter/api-bridge')` loads that other build of the bridge instead, so
// the bench can compare two builds of the bridge in the same run.
import Module = require('node:module');

const target = process.env.BRIDGE_BEFORE;
type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename;
if (target !== undefined && target !== '') {
  loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return request === '@trace/otel-adapter/api-bridge' ? target : resolve.call(this, request, ...rest);
  };
}
