// `@trace/transport-grpc` (and through it @grpc/grpc-js) is an optional peer: only the gRPC
// format needs it, so it is loaded on the first gRPC export, never when this package is imported.
// Core's loader tells "not installed" from "installed but broken"; the specifier is written here,
// in this package's own code, so Node resolves the peer from this package as its manifest declares.
import { ExportError, type GrpcTransport, type Result, err, loadOptionalPackage, ok } from '@trace/core';

/** The package the gRPC format needs. */
export const GRPC_TRANSPORT_PACKAGE = '@trace/transport-grpc';

interface GrpcTransportModule {
  createDefaultGrpcTransport?: unknown;
}

/**
 * The CommonJS build (and jest, whose VM cannot run `import()` without a flag) has `require`; the
 * ES module build imports. A module without the factory is an incompatible version: it counts as
 * installed but failed to load, as does a factory that throws.
 */
async function importDefaultGrpcTransport(): Promise<GrpcTransport> {
  const loaded = (typeof require === 'function' ? require('@trace/transport-grpc') : await import('@trace/transport-grpc')) as GrpcTransportModule;
  const factory = loaded.createDefaultGrpcTransport;
  if (typeof factory !== 'function') throw new TypeError('it does not export createDefaultGrpcTransport; install a compatible version');
  return (factory as () => GrpcTransport)();
}

/**
 * Loads `@trace/transport-grpc` and creates its default transport. Never throws: a missing package
 * fails with `PACKAGE_NOT_INSTALLED` (the message says what to install), a broken one with
 * `PACKAGE_LOAD_FAILED`; either error is not retryable and its `cause` is core's
 * `OptionalPackageError` (whose own `cause` is what the load threw).
 */
export async function loadDefaultGrpcTransport(): Promise<Result<GrpcTransport, ExportError>> {
  const loaded = await loadOptionalPackage(GRPC_TRANSPORT_PACKAGE, importDefaultGrpcTransport);
  if (loaded.ok) return ok(loaded.value);
  const error = loaded.error;
  const hint = error.code === 'PACKAGE_NOT_INSTALLED' ? ' (or pass a GrpcTransport)' : '';
  const message = `format jaeger_grpc: ${error.message}${hint}`;
  return err(new ExportError(error.code, message, false, undefined, { cause: error }));
}
