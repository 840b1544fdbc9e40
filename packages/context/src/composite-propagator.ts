// Several formats at once, as a service between a Zipkin-instrumented and a W3C-instrumented
// neighbour needs: read whichever arrived, write all of them.
import {
  type Baggage,
  type CarrierAdapter,
  ConfigError,
  NO_TRACE_CONTEXT,
  type Propagator,
  type Result,
  type TraceContext,
  TraceError,
  defaultCarrierAdapter,
  err,
  ok,
} from '@trace/core';
import { BaggageBuilder } from './baggage-builder.js';

const MISSING = err(new TraceError(NO_TRACE_CONTEXT, 'carrier has no trace context in any propagated format'));

/**
 * Combines propagators.
 *
 * - `extract`: the first propagator, in order, whose `extract` succeeds gives the context; then
 *   baggage from every other propagator's `extractBaggage` is merged in (a key already present
 *   wins, so earlier propagators win). When none succeeds, the error is the first one that is
 *   not `NO_TRACE_CONTEXT` (a malformed header says what was wrong), else `NO_TRACE_CONTEXT`.
 * - `inject`: every propagator, in order; one that throws does not stop the others.
 * - `fields`: the union of every propagator's fields, in order, without repeats.
 */
export class CompositePropagator implements Propagator {
  private readonly propagators: readonly Propagator[];
  private readonly fieldNames: readonly string[];

  /** @throws ConfigError when `propagators` is not an array of propagators (says which one). */
  constructor(propagators: readonly Propagator[]) {
    if (!Array.isArray(propagators)) throw new ConfigError('CompositePropagator takes an array of propagators');
    this.propagators = Object.freeze([...propagators]);
    const fields: string[] = [];
    for (let i = 0; i < this.propagators.length; i++) {
      const propagator = this.propagators[i] as Propagator;
      if (
        propagator === null ||
        typeof propagator !== 'object' ||
        typeof propagator.inject !== 'function' ||
        typeof propagator.extract !== 'function' ||
        typeof propagator.fields !== 'function'
      ) {
        throw new ConfigError(`CompositePropagator: propagator ${i} has no inject, extract and fields methods`);
      }
      const names: unknown = propagator.fields();
      if (!Array.isArray(names)) throw new ConfigError(`CompositePropagator: propagator ${i}'s fields() must return an array of header names`);
      for (const field of names) if (typeof field === 'string' && !fields.includes(field)) fields.push(field);
    }
    this.fieldNames = Object.freeze(fields);
  }

  fields(): readonly string[] {
    return this.fieldNames;
  }

  inject(context: TraceContext, carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): void {
    const propagators = this.propagators;
    for (let i = 0; i < propagators.length; i++) {
      try {
        (propagators[i] as Propagator).inject(context, carrier, adapter);
      } catch {
        // One broken propagator must not cost the others their headers.
      }
    }
  }

  extract(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Result<TraceContext> {
    const propagators = this.propagators;
    let found: TraceContext | undefined;
    let winner = -1;
    let firstError: Result<TraceContext> | undefined;
    for (let i = 0; i < propagators.length; i++) {
      try {
        const result = (propagators[i] as Propagator).extract(carrier, adapter);
        if (result.ok) {
          found = result.value;
          winner = i;
          break;
        }
        if (firstError === undefined && result.error.code !== NO_TRACE_CONTEXT) firstError = result;
      } catch (error) {
        // The thrown value is kept as the cause, never copied into the message: it may quote a
        // header value.
        firstError ??= err(new TraceError('PROPAGATOR_FAILED', `propagator ${i} threw while extracting`, { cause: error }));
      }
    }
    if (found === undefined) return firstError ?? MISSING;
    try {
      let baggage = found.baggage;
      for (let i = 0; i < propagators.length; i++) {
        if (i !== winner) baggage = mergeInto(baggage, propagators[i] as Propagator, carrier, adapter);
      }
      return baggage === found.baggage ? ok(found) : ok(found.with({ baggage }));
    } catch {
      // The trace context alone is worth more than nothing.
      return ok(found);
    }
  }

  /** Reads baggage from every propagator that carries it, merged (earlier propagators win). */
  extractBaggage(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Baggage | undefined {
    let baggage: Baggage | undefined;
    for (const propagator of this.propagators) baggage = mergeInto(baggage, propagator, carrier, adapter);
    return baggage;
  }
}

// `base` with the baggage `propagator` extracts merged in (base's keys win). A propagator that
// throws or returns something that is not baggage adds nothing.
function mergeInto<B extends Baggage | undefined>(base: B, propagator: Propagator, carrier: unknown, adapter: CarrierAdapter<unknown>): B | Baggage {
  try {
    if (typeof propagator.extractBaggage !== 'function') return base;
    const extra = propagator.extractBaggage(carrier, adapter);
    // Not `instanceof`: the ESM and CommonJS builds of core each have their own class.
    if (extra === undefined || extra === null || typeof extra !== 'object' || !(extra.size > 0)) return base;
    return base === undefined ? extra : mergeBaggage(base, extra);
  } catch {
    return base;
  }
}

// `base` first, so its keys win; one build instead of a copy of the whole baggage per key.
function mergeBaggage(base: Baggage, extra: Baggage): Baggage {
  const builder = new BaggageBuilder();
  builder.addAll(base);
  builder.addAll(extra);
  return builder.build();
}
