// Several formats at once, as a service between a Zipkin-instrumented and a W3C-instrumented
// neighbour needs: read whichever arrived, write all of them.
import {
  type Baggage,
  type CarrierAdapter,
  NO_TRACE_CONTEXT,
  type Propagator,
  type Result,
  type TraceContext,
  TraceError,
  defaultCarrierAdapter,
  err,
  ok,
} from '@trace/core';

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

  constructor(propagators: readonly Propagator[]) {
    this.propagators = Object.freeze([...propagators]);
    const fields: string[] = [];
    for (const propagator of this.propagators) {
      for (const field of propagator.fields()) if (!fields.includes(field)) fields.push(field);
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
      let result: Result<TraceContext>;
      try {
        result = (propagators[i] as Propagator).extract(carrier, adapter);
      } catch (error) {
        result = err(new TraceError('PROPAGATOR_FAILED', `propagator ${i} threw: ${error instanceof Error ? error.message : String(error)}`));
      }
      if (result.ok) {
        found = result.value;
        winner = i;
        break;
      }
      if (firstError === undefined && result.error.code !== NO_TRACE_CONTEXT) firstError = result;
    }
    if (found === undefined) return firstError ?? MISSING;

    let baggage = found.baggage;
    for (let i = 0; i < propagators.length; i++) {
      const propagator = propagators[i] as Propagator;
      if (i === winner || propagator.extractBaggage === undefined) continue;
      let extra: Baggage | undefined;
      try {
        extra = propagator.extractBaggage(carrier, adapter);
      } catch {
        extra = undefined;
      }
      if (extra !== undefined && extra.size > 0) baggage = mergeBaggage(baggage, extra);
    }
    if (baggage === found.baggage) return ok(found);
    return ok(found.with({ baggage }));
  }

  /** Reads baggage from every propagator that carries it, merged (earlier propagators win). */
  extractBaggage(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Baggage | undefined {
    let baggage: Baggage | undefined;
    for (const propagator of this.propagators) {
      if (propagator.extractBaggage === undefined) continue;
      let extra: Baggage | undefined;
      try {
        extra = propagator.extractBaggage(carrier, adapter);
      } catch {
        extra = undefined;
      }
      if (extra !== undefined && extra.size > 0) baggage = baggage === undefined ? extra : mergeBaggage(baggage, extra);
    }
    return baggage;
  }
}

function mergeBaggage(base: Baggage, extra: Baggage): Baggage {
  let merged = base;
  for (const key of extra.keys()) {
    if (merged.getEntry(key) !== undefined) continue;
    const entry = extra.getEntry(key);
    if (entry === undefined) continue;
    const next = merged.set(key, entry.value, entry.properties);
    if (next.ok) merged = next.value;
  }
  return merged;
}
