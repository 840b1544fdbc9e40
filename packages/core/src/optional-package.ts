// The one loader for optional packages (an exporter's gRPC transport, @trace/node's exporters).
// The caller does the `require` / `import()` itself, with the specifier written in its own source,
// so Node resolves the package from the caller's package (the one that declares it as an optional
// peer), never from the current directory; this file only tells "not installed" from "installed
// but broken" and turns both into one error type. Core names no package here.
import { type Err, type Ok, TraceError, err, ok } from './result.js';

/** Why an optional package could not be used. */
export type OptionalPackageErrorCode = 'PACKAGE_NOT_INSTALLED' | 'PACKAGE_LOAD_FAILED';

/**
 * An optional package is missing (`PACKAGE_NOT_INSTALLED`, the message says what to install) or
 * is installed but failed to load (`PACKAGE_LOAD_FAILED`, the message carries the loader's own,
 * e.g. one of the package's dependencies missing). `packageName` is the package asked for.
 */
export class OptionalPackageError extends TraceError {
  declare readonly code: OptionalPackageErrorCode;
  readonly packageName: string;

  constructor(code: OptionalPackageErrorCode, packageName: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'OptionalPackageError';
    this.packageName = packageName;
  }
}

/**
 * True when `error`, thrown by `require(name)` or `import(name)`, says the package `name` itself
 * is not installed (or has no entry point this loader can use), rather than that something it
 * needs is missing. Node names the missing module first, quoted; a require error then lists the
 * requiring files, whose paths contain the package that needed it, so only the first line counts.
 */
export function isPackageNotInstalled(error: unknown, name: string): boolean {
  const code = read(error, 'code');
  if (code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' && code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  const message = messageOf(error);
  if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return message.includes(name);
  return (message.split('\n', 1)[0] as string).includes(`'${name}'`);
}

/** `value[key]`, or `undefined` when reading it throws (a package may throw anything at load, a getter that throws too). */
function read(value: unknown, key: 'code' | 'message'): unknown {
  try {
    return (value as Record<string, unknown> | null | undefined)?.[key];
  } catch {
    return undefined;
  }
}

/**
 * The message of an error from any realm (a vm context's errors are not `instanceof Error` here),
 * of any thrown value: `String()` throws for some (`Object.create(null)`), and this must not.
 */
function messageOf(error: unknown): string {
  const message = read(error, 'message');
  if (typeof message === 'string') return message;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

function loadError(name: string, error: unknown): Err<OptionalPackageError> {
  if (isPackageNotInstalled(error, name)) {
    return err(new OptionalPackageError('PACKAGE_NOT_INSTALLED', name, `${name} is not installed: npm install ${name}`));
  }
  return err(new OptionalPackageError('PACKAGE_LOAD_FAILED', name, `${name} is installed but failed to load: ${messageOf(error)}`, { cause: error }));
}

/**
 * Loads the optional package `name` through `load`, which the caller writes with a literal
 * specifier in its own package (`() => require('@trace/transport-grpc')` or
 * `() => import('@trace/transport-grpc')`), so Node resolves it as the caller's package sees it.
 * Never throws: a missing package and a broken one are told apart in an
 * {@link OptionalPackageError}. An asynchronous `load` gives a promise of the same result.
 *
 * ```ts
 * const loaded = await loadOptionalPackage('@trace/transport-grpc', () => import('@trace/transport-grpc'));
 * if (!loaded.ok) return loaded; // "@trace/transport-grpc is not installed: npm install @trace/transport-grpc"
 * ```
 */
export function loadOptionalPackage<T>(name: string, load: () => Promise<T>): Promise<Ok<T> | Err<OptionalPackageError>>;
export function loadOptionalPackage<T>(name: string, load: () => T): Ok<T> | Err<OptionalPackageError>;
export function loadOptionalPackage<T>(
  name: string,
  load: () => T | Promise<T>,
): Ok<T> | Err<OptionalPackageError> | Promise<Ok<T> | Err<OptionalPackageError>> {
  let loaded: T | Promise<T>;
  try {
    loaded = load();
  } catch (error) {
    return loadError(name, error);
  }
  if (loaded instanceof Promise) {
    return loaded.then(
      (value) => ok(value),
      (error: unknown) => loadError(name, error),
    );
  }
  return ok(loaded);
}
