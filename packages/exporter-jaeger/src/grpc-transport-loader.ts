// `@trace/transport-grpc` (and through it @grpc/grpc-js) is an optional peer: only the gRPC
// format needs it, so it is imported on first use and never at load time. This module imports
// nothing else at run time, so a plain Node process can exercise the real import.
import type { GrpcTransport, Result } from '@trace/core';

/** The package the gRPC format needs. */
export const GRPC_TRANSPORT_PACKAGE = '@trace/transport-grpc';

interface GrpcTransportModule {
  createDefaultGrpcTransport?: (options?: Record<string, unknown>) => GrpcTransport;
}

/**
 * core's `isPackageNotInstalled`, restated: this module must import nothing at run time (see
 * above). The missing module is named first, quoted; a require error then lists the requiring
 * files, whose paths contain the package that needed it.
 */
function isPackageNotInstalled(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n', 1)[0] as string).includes(`'${GRPC_TRANSPORT_PACKAGE}'`);
}

/**
 * Imports `@trace/transport-grpc` and creates its default transport. Fails (never throws) with
 * a message naming the package when it is not installed or cannot be loaded.
 */
export async function loadDefaultGrpcTransport(): Promise<Result<GrpcTransport, string>> {
  let loaded: GrpcTransportModule;
  try {
    // The CommonJS build (and jest, whose VM cannot run import() without a flag) has require.
    loaded = (typeof require === 'function' ? require('@trace/transport-grpc') : await import('@trace/transport-grpc')) as GrpcTransportModule;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = isPackageNotInstalled(error)
      ? `the jaeger_grpc format needs ${GRPC_TRANSPORT_PACKAGE}, which is not installed: run \`npm install ${GRPC_TRANSPORT_PACKAGE}\` (or pass a GrpcTransport)`
      : `the jaeger_grpc format could not load ${GRPC_TRANSPORT_PACKAGE}: ${reason}`;
    return { ok: false, error: message };
  }
  const factory = loaded.createDefaultGrpcTransport;
  if (typeof factory !== 'function') {
    return { ok: false, error: `${GRPC_TRANSPORT_PACKAGE} does not export createDefaultGrpcTransport; install a compatible version` };
  }
  try {
    return { ok: true, value: factory() };
  } catch (error) {
    return { ok: false, error: `${GRPC_TRANSPORT_PACKAGE} failed to create a transport: ${error instanceof Error ? error.message : String(error)}` };
  }
}
