// `OTEL_PROPAGATORS`-style selection: https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#general-sdk-configuration
import { NO_TRACE_CONTEXT, type Propagator, type Result, type TraceContext, W3CPropagator, fail, ok } from '@trace/core';
import { B3MultiPropagator } from './b3-multi-propagator.js';
import { B3SinglePropagator } from './b3-single-propagator.js';
import { CompositePropagator } from './composite-propagator.js';
import { JaegerPropagator } from './jaeger-propagator.js';

/** The propagator names this package understands, as `OTEL_PROPAGATORS` spells them. */
export type PropagatorName = 'tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'jaeger' | 'none';

/** Used when the name list is empty or unset: the OpenTelemetry default. */
export const DEFAULT_PROPAGATOR_NAMES = 'tracecontext,baggage';

/** Options of {@link createPropagatorFromNames}. */
export interface PropagatorNamesOptions {
  /** An unknown name is an error instead of a warning. Default false. */
  strict?: boolean;
  /** Receives each warning (an unknown name skipped). Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

const NONE_MISSING = fail(NO_TRACE_CONTEXT, 'propagation is off (OTEL_PROPAGATORS=none)');
const NO_FIELDS: readonly string[] = Object.freeze([]);

/** A propagator that writes and reads nothing: `OTEL_PROPAGATORS=none`. */
export class NoopPropagator implements Propagator {
  fields(): readonly string[] {
    return NO_FIELDS;
  }
  inject(): void {}
  extract(): Result<TraceContext> {
    return NONE_MISSING;
  }
}

function create(name: PropagatorName): Propagator {
  switch (name) {
    case 'tracecontext':
      return new W3CPropagator({ baggage: false });
    case 'baggage':
      return new W3CPropagator({ traceContext: false });
    case 'b3':
      return new B3SinglePropagator();
    case 'b3multi':
      return new B3MultiPropagator();
    case 'jaeger':
      return new JaegerPropagator();
    case 'none':
      return new NoopPropagator();
  }
}

function isKnown(name: string): name is PropagatorName {
  return name === 'tracecontext' || name === 'baggage' || name === 'b3' || name === 'b3multi' || name === 'jaeger' || name === 'none';
}

function defaultWarning(message: string): void {
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') process.emitWarning(message, { code: 'TRACE_UNKNOWN_PROPAGATOR' });
}

/**
 * Builds a propagator from a comma-separated list (or array) of names, as in `OTEL_PROPAGATORS`:
 * `tracecontext`, `baggage`, `b3` (single header), `b3multi`, `jaeger`, `none`. Names are trimmed
 * and matched case-insensitively; repeats count once; an empty list means
 * {@link DEFAULT_PROPAGATOR_NAMES}. One name gives that propagator, several a
 * {@link CompositePropagator} in the order given.
 *
 * Never throws. Errors: `none` together with other names (`PROPAGATOR_NONE_MIXED`), an unknown
 * name when `strict` (`PROPAGATOR_UNKNOWN`), or no known name left (`PROPAGATOR_EMPTY`). Without
 * `strict`, unknown names (e.g. `xray`, `ottrace`) are skipped with a warning.
 */
export function createPropagatorFromNames(names: string | readonly string[] | undefined, options: PropagatorNamesOptions = {}): Result<Propagator> {
  try {
    return fromNames(names, options ?? {});
  } catch {
    // An options object whose getters throw, an array Proxy: set-up gets an error, not a crash.
    return fail('PROPAGATOR_INVALID', 'propagator names or options could not be read');
  }
}

// Unknown names quoted in a warning or error: enough to spot a typo, bounded whatever the input.
const MAX_QUOTED_NAMES = 10;
const MAX_QUOTED_LENGTH = 40;

function quoteNames(names: Iterable<string>, count: number): string {
  const quoted: string[] = [];
  for (const name of names) {
    if (quoted.length === MAX_QUOTED_NAMES) break;
    quoted.push(JSON.stringify(name.length > MAX_QUOTED_LENGTH ? `${name.slice(0, MAX_QUOTED_LENGTH)}…` : name));
  }
  return count > quoted.length ? `${quoted.join(', ')} and ${count - quoted.length} more` : quoted.join(', ');
}

function fromNames(names: string | readonly string[] | undefined, options: PropagatorNamesOptions): Result<Propagator> {
  const warn = options.onWarning ?? defaultWarning;
  let list: readonly string[];
  if (names === undefined || names === null) list = [];
  else if (typeof names === 'string') list = names.split(',');
  else if (Array.isArray(names)) list = names;
  else return fail('PROPAGATOR_INVALID', 'propagator names must be a string or an array of strings');

  const chosen: PropagatorName[] = [];
  // A Set: a list of many distinct unknown names must not cost a scan per name.
  const unknown = new Set<string>();
  for (const raw of list) {
    if (typeof raw !== 'string') continue;
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    if (!isKnown(name)) {
      unknown.add(name);
      continue;
    }
    if (!chosen.includes(name)) chosen.push(name);
  }
  if (unknown.size > 0) {
    const message = `unknown propagator name(s) ${quoteNames(unknown, unknown.size)}; known: tracecontext, baggage, b3, b3multi, jaeger, none`;
    if (options.strict === true) return fail('PROPAGATOR_UNKNOWN', message);
    try {
      warn(`${message} (skipped)`);
    } catch {
      // a warning sink's bug must not break set-up
    }
    if (chosen.length === 0) return fail('PROPAGATOR_EMPTY', `no known propagator among ${quoteNames(unknown, unknown.size)}`);
  }
  if (chosen.length === 0) return fromNames(DEFAULT_PROPAGATOR_NAMES, options);
  if (chosen.includes('none')) {
    if (chosen.length > 1) return fail('PROPAGATOR_NONE_MIXED', '"none" cannot be combined with other propagator names');
    return ok(new NoopPropagator());
  }
  if (chosen.length === 1) return ok(create(chosen[0] as PropagatorName));
  return ok(new CompositePropagator(chosen.map(create)));
}

/**
 * {@link createPropagatorFromNames} on `env.OTEL_PROPAGATORS` (default `process.env`); unset
 * or empty gives the default `tracecontext,baggage`.
 */
export function createPropagatorFromEnv(env: Readonly<Record<string, string | undefined>> = process.env, options?: PropagatorNamesOptions): Result<Propagator> {
  let names: string | undefined;
  try {
    names = env?.OTEL_PROPAGATORS;
  } catch {
    return fail('PROPAGATOR_INVALID', 'OTEL_PROPAGATORS could not be read');
  }
  return createPropagatorFromNames(names, options);
}
