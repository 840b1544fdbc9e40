/**
 * The outcome of every fallible call in `trace`: expected failures are values, not exceptions, so
 * nothing on the span or export path can throw into the host application (DESIGN.md "Errors").
 */
export type Result<T = void, E = TraceError> = Ok<T> | Err<E>;

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/**
 * Base of every error `trace` produces. `code` is stable across releases and safe to branch on;
 * `message` says what was wrong and what to change.
 */
export class TraceError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TraceError';
    this.code = code;
  }
}

/** Thrown at construction time for invalid configuration (the only place `trace` throws). */
export class ConfigError extends TraceError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
    this.name = 'ConfigError';
  }
}

const OK_VOID: Ok<undefined> = Object.freeze({ ok: true, value: undefined });

/** A successful result. `ok()` with no value returns a shared frozen instance (no allocation). */
export function ok(): Ok<undefined>;
export function ok<T>(value: T): Ok<T>;
export function ok<T>(value?: T): Ok<T | undefined> {
  return value === undefined ? OK_VOID : { ok: true, value };
}

/** A failed result carrying `error`. */
export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/** Shorthand for `err(new TraceError(code, message))`. */
export function fail(code: string, message: string): Err<TraceError> {
  return { ok: false, error: new TraceError(code, message) };
}
