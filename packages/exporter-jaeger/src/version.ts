/** This package's version, reported in the `jaeger.version` process tag. Kept equal to package.json by a test. */
export const CLIENT_VERSION = '0.0.0';
