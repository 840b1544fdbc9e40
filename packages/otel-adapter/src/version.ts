// The SDK identity written into every service resource (`telemetry.sdk.*`). The version is a
// constant rather than a read of package.json: a JSON import needs import attributes in the ESM
// build and a `require` in the CJS one, and no single source compiles to both. A test checks
// that this constant equals package.json's version, so a release that forgets it fails CI.

/** `telemetry.sdk.name` of resources made here: the toolkit's name. */
export const SDK_NAME = 'trace';

/** `telemetry.sdk.version`: the version of `@trace/otel-adapter`, kept in step with package.json. */
export const SDK_VERSION = '0.0.0';

/** `telemetry.sdk.language`: the OpenTelemetry name for Node.js. */
export const SDK_LANGUAGE = 'nodejs';
