// The packages @trace/node composes by name, each loaded only when asked for, from @trace/node's
// own folder, through core's one loader (which tells "not installed" from "installed but broken").
// The specifiers are written out literally so that a reader and the repository's graph check see
// every name @trace/node loads; each one is an optional peer in package.json.
import { type Err, type Ok, type OptionalPackageError, loadOptionalPackage } from '@trace/core';
import { packageRequire } from './package-require.cjs';

type Exports = Record<string, unknown>;

const LOADERS = {
  '@trace/exporter-otlp': () => packageRequire('@trace/exporter-otlp') as Exports,
  '@trace/exporter-zipkin': () => packageRequire('@trace/exporter-zipkin') as Exports,
  '@trace/exporter-jaeger': () => packageRequire('@trace/exporter-jaeger') as Exports,
  '@trace/otel-adapter': () => packageRequire('@trace/otel-adapter') as Exports,
  '@trace/context': () => packageRequire('@trace/context') as Exports,
  '@trace/instrumentation-http': () => packageRequire('@trace/instrumentation-http') as Exports,
} satisfies Record<string, () => Exports>;

/** A package @trace/node can load on demand (each an optional peer dependency). */
export type OptionalPackage = keyof typeof LOADERS;

/**
 * Loads `name` as Node resolves it from @trace/node. Never throws: the error says
 * `PACKAGE_NOT_INSTALLED` (with the `npm install` line) or `PACKAGE_LOAD_FAILED` (with the
 * loader's own message).
 */
export function loadPackage(name: OptionalPackage): Ok<Exports> | Err<OptionalPackageError> {
  return loadOptionalPackage(name, LOADERS[name]);
}
