// Where failures nobody can handle go: one replaceable logger for the whole of `trace`, with the
// OpenTelemetry log levels. Loss on the export path is reported here (see LossReporter), so a span
// dropped because the backend is down does not vanish without a word.

/** Diagnostic log levels, least to most verbose (the values of `OTEL_LOG_LEVEL`, lowercased). */
export type DiagnosticLogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/**
 * Receives `trace`'s own diagnostics. Each method gets one line of text, never containing a header
 * value, credential, or a URL's userinfo or query. A logger that throws is ignored.
 */
export interface DiagnosticLogger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  verbose(message: string): void;
}

const LEVEL_RANK: Readonly<Record<DiagnosticLogLevel, number>> = Object.freeze({
  none: 0,
  error: 1,
  warn: 2,
  info: 3,
  debug: 4,
  verbose: 5,
  all: 6,
});

/** The level used when `OTEL_LOG_LEVEL` is unset or unknown, as the OpenTelemetry SDKs do. */
export const DEFAULT_DIAGNOSTIC_LOG_LEVEL: DiagnosticLogLevel = 'info';

interface StderrLike {
  write(text: string): unknown;
}

function writeStderr(message: string): void {
  // Core reaches the process only defensively, so a browser or edge build still loads.
  const stderr = (globalThis as { process?: { stderr?: StderrLike } }).process?.stderr;
  if (stderr !== undefined && typeof stderr.write === 'function') stderr.write(`trace: ${message}\n`);
  else globalThis.console?.error?.(`trace: ${message}`);
}

/** The default logger: one line per message on stderr, prefixed `trace:`. */
const STDERR_LOGGER: DiagnosticLogger = Object.freeze({
  error: writeStderr,
  warn: writeStderr,
  info: writeStderr,
  debug: writeStderr,
  verbose: writeStderr,
});

let logger: DiagnosticLogger = STDERR_LOGGER;
let level: number | undefined;

/** True when `value` names a level (any case, as `OTEL_LOG_LEVEL` may hold it). */
export function isDiagnosticLogLevel(value: unknown): value is DiagnosticLogLevel {
  return typeof value === 'string' && Object.hasOwn(LEVEL_RANK, value);
}

/**
 * `OTEL_LOG_LEVEL`, read the first time something is logged. Core has no environment module of
 * its own on this path, so this reads `globalThis.process?.env` defensively.
 */
function levelFromEnvironment(): number {
  let raw: unknown;
  try {
    raw = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.OTEL_LOG_LEVEL;
  } catch {
    raw = undefined;
  }
  const name = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  return LEVEL_RANK[isDiagnosticLogLevel(name) ? name : DEFAULT_DIAGNOSTIC_LOG_LEVEL];
}

/**
 * Replaces where `trace` writes its diagnostics, and optionally the level. `undefined` restores
 * the default (stderr). Without `level`, the level stays what it was (by default from
 * `OTEL_LOG_LEVEL`, else `info`).
 *
 * @example
 * setDiagnosticLogger({ error: log.error, warn: log.warn, info: log.info, debug: log.debug, verbose: log.trace }, 'warn');
 */
export function setDiagnosticLogger(next: DiagnosticLogger | undefined, nextLevel?: DiagnosticLogLevel): void {
  logger = next ?? STDERR_LOGGER;
  if (nextLevel !== undefined) setDiagnosticLogLevel(nextLevel);
}

/** Sets the diagnostic level (`none` silences `trace` entirely). An unknown name is ignored. */
export function setDiagnosticLogLevel(nextLevel: DiagnosticLogLevel): void {
  if (isDiagnosticLogLevel(nextLevel)) level = LEVEL_RANK[nextLevel];
}

/** The level in force (reads `OTEL_LOG_LEVEL` on first use). */
export function getDiagnosticLogLevel(): DiagnosticLogLevel {
  const rank = currentLevel();
  return (Object.keys(LEVEL_RANK) as DiagnosticLogLevel[]).find((name) => LEVEL_RANK[name] === rank) ?? DEFAULT_DIAGNOSTIC_LOG_LEVEL;
}

function currentLevel(): number {
  if (level === undefined) level = levelFromEnvironment();
  return level;
}

/** Logs `message` at `at` through the current logger; never throws. For `trace`'s own packages. */
export function diagnose(at: Exclude<DiagnosticLogLevel, 'none' | 'all'>, message: string): void {
  if (LEVEL_RANK[at] > currentLevel()) return;
  try {
    logger[at](message);
  } catch {
    // A broken logger must not break the export path it reports on.
  }
}

/**
 * Removes what may be a secret from text that came from outside (an error message, a server's
 * status text): URL userinfo, query and fragment, and anything after an auth scheme word.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#]*)[?#][^\s]*/gi, '$1')
    .replace(/\b(bearer|basic|token|apikey|api-key)\s+[^\s,;]+/gi, '$1 [redacted]');
}
