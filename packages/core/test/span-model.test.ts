import { inspect } from 'node:util';
import {
  Baggage,
  type SamplingParameters,
  SpanBuilder,
  TraceContext,
  TraceState,
  Tracer,
  W3CPropagator,
  alwaysOn,
  defaultCarrierAdapter,
  parentBased,
  realScheduler,
} from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

function tracerWithMemory(options: ConstructorParameters<typeof Tracer>[0] = {}) {
  const exporter = new InMemoryExporter();
  const tracer = new Tracer({ serviceName: 'model', ...options, exporters: [exporter], exportSettings: { flushInterval: 1 } });
  return { tracer, exporter };
}

// A write through a read-only view: `Reflect.set` reports whether it took effect, without the
// TypeError strict-mode assignment raises for a frozen object.
function write(target: object, key: PropertyKey, value: unknown): boolean {
  return Reflect.set(target, key, value);
}

describe('nothing reachable from one span is shared and mutable with another', () => {
  it('a write on one span’s empty baggage never shows on another span', () => {
    const { tracer } = tracerWithMemory();
    const a = tracer.startSpan('a', { parent: null });
    const b = tracer.startSpan('b', { parent: null });
    expect(write(a.baggage, 'user_id', '1')).toBe(false);
    expect(b.baggage.user_id).toBeUndefined();
    expect(tracer.startSpan('c', { parent: null }).baggage.user_id).toBeUndefined();
    expect(Object.isFrozen(a.baggage)).toBe(true);
    expect(() => {
      (a.baggage as unknown as Record<string, string>).user_id = '1';
    }).toThrow(TypeError);
    expect(b.baggage.get('user_id')).toBeUndefined();
  });

  it('the process-wide defaults every tracer shares cannot be changed by one of them', () => {
    for (const shared of [defaultCarrierAdapter, realScheduler]) {
      expect(Object.isFrozen(shared)).toBe(true);
      expect(() => {
        (shared as unknown as Record<string, unknown>).get = () => 'x';
      }).toThrow(TypeError);
    }
  });

  it('Baggage, TraceState and TraceContext are frozen, with no mutable state reachable', () => {
    const parsed = Baggage.parse('user_id=12345;ttl=60,tenant=acme');
    if (!parsed.ok) throw parsed.error;
    const baggage = parsed.value;
    for (const value of [Baggage.EMPTY, baggage, TraceState.EMPTY, new TraceContext({ traceId: TRACE_ID, spanId: SPAN_ID })]) {
      expect(Object.isFrozen(value)).toBe(true);
      // every own property is a plain value (no Map, array or object to reach into)
      for (const key of Reflect.ownKeys(value)) {
        const own = (value as unknown as Record<PropertyKey, unknown>)[key];
        expect(own === null || typeof own !== 'object' || Object.isFrozen(own)).toBe(true);
      }
    }
    expect(Object.isFrozen(baggage.getEntry('user_id'))).toBe(true);
    expect(Object.isFrozen(baggage.serialize())).toBe(true);
    const state = TraceState.parse('rojo=1,congo=2');
    if (!state.ok) throw state.error;
    expect(Object.isFrozen(state.value)).toBe(true);
    expect(Reflect.ownKeys(state.value)).toEqual([]);
    const context = new TraceContext({ traceId: TRACE_ID, spanId: SPAN_ID });
    expect(write(context, 'traceFlags', 0)).toBe(false);
    expect(context.traceFlags).toBe(1);
    // toRecord is a copy the caller owns
    const record = baggage.toRecord();
    record.user_id = 'changed';
    expect(baggage.get('user_id')).toBe('12345');
  });

  it('tags, events, links, their attributes and array values are frozen', () => {
    const { tracer } = tracerWithMemory();
    const other = tracer.startSpan('other', { parent: null });
    const span = tracer.startSpan('op', { parent: null });
    span.setTag('list', ['a', 'b']);
    span.addEvent('e', { k: 'v' });
    span.addLink(other, { l: 1 });
    for (const view of [
      span.tags,
      span.tags.list,
      span.events,
      span.events[0],
      span.events[0]?.attributes,
      span.links,
      span.links[0],
      span.links[0]?.attributes,
    ]) {
      expect(Object.isFrozen(view)).toBe(true);
    }
    expect(write(span.tags.list as object, 0, 'x')).toBe(false);
    span.end();
    for (const view of [span.tags, span.events, span.links]) expect(Object.isFrozen(view)).toBe(true);
    expect(span.tags).toEqual({ list: ['a', 'b'] });
  });

  it('the instrumentation scope spans share is a frozen copy of the option', () => {
    const scope = { name: 'lib', version: '1.0.0' };
    const { tracer } = tracerWithMemory({ instrumentationScope: scope });
    scope.version = '2.0.0';
    const span = tracer.startSpan('op');
    expect(span.instrumentationScope).toEqual({ name: 'lib', version: '1.0.0' });
    expect(Object.isFrozen(span.instrumentationScope)).toBe(true);
  });
});

describe('one rule for writes: exactly the setter, or nothing', () => {
  it('a write through span.tags changes nothing, with or without tags, open or finished', () => {
    const { tracer } = tracerWithMemory();
    const span = tracer.startSpan('op');
    expect(write(span.tags, 'k1', 'x')).toBe(false);
    span.setTag('a', 1);
    expect(write(span.tags, 'k2', 'kept?')).toBe(false);
    const held = span.tags;
    span.end();
    expect(write(span.tags, 'late', 'after finish')).toBe(false);
    expect(write(held, 'late', 'after finish')).toBe(false);
    expect(span.tags).toEqual({ a: 1 });
    expect(held).toEqual({ a: 1 });
  });

  it('reads through the tags map always work and follow setTag', () => {
    const { tracer } = tracerWithMemory();
    const span = tracer.startSpan('op');
    expect(span.tags['http.method']).toBeUndefined();
    span.setTag('http.method', 'POST');
    expect(span.tags['http.method']).toBe('POST');
    span.setTag('http.method', 'GET');
    expect(span.tags['http.method']).toBe('GET');
    span.end();
    expect(span.tags['http.method']).toBe('GET');
  });

  it('assignable properties behave as their setters: applied while open, ignored and counted after finish', () => {
    const { tracer } = tracerWithMemory();
    const span = tracer.startSpan('op', { serviceName: 'svc' });
    const state = TraceState.parse('rojo=1');
    const baggage = Baggage.fromRecord({ tenant: 'acme' });
    if (!state.ok || !baggage.ok) throw new Error('setup');
    span.operationName = 'renamed';
    span.serviceName = 'other-svc';
    span.traceState = state.value;
    span.baggage = baggage.value;
    span.status = 'error';
    span.statusMessage = 'broken';
    expect([span.operationName, span.serviceName, span.traceState.get('rojo'), span.baggage.tenant, span.statusMessage]).toEqual([
      'renamed',
      'other-svc',
      '1',
      'acme',
      'broken',
    ]);
    span.end();
    const before = tracer.getDiagnostics().changesAfterFinish;
    span.operationName = 'late';
    span.serviceName = 'late';
    span.traceState = TraceState.EMPTY;
    span.baggage = Baggage.EMPTY;
    span.traceFlags = 0;
    span.statusMessage = 'late';
    span.kind = 'client';
    span.status = 'ok';
    expect([
      span.operationName,
      span.serviceName,
      span.traceState.size,
      span.baggage.size,
      span.traceFlags,
      span.statusMessage,
      span.kind,
      span.status,
    ]).toEqual(['renamed', 'other-svc', 1, 1, 1, 'broken', 'internal', 'error']);
    expect(tracer.getDiagnostics().changesAfterFinish).toBe(before + 8);
  });

  it('times and ids cannot be assigned', () => {
    const { tracer } = tracerWithMemory();
    const span = tracer.startSpan('op');
    const start = span.startTime;
    expect(write(span, 'startTime', 1)).toBe(false);
    expect(write(span, 'duration', 1)).toBe(false);
    expect(write(span, 'traceId', TRACE_ID)).toBe(false);
    expect(span.startTime).toBe(start);
    expect(span.duration).toBe(-1);
  });

  it('baggage reads like a map, from the baggage header and from baggage-<key> headers', () => {
    const tracer = new Tracer();
    const extracted = tracer.extractContextFromCarrier({
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`,
      baggage: 'tenant=acme',
      'baggage-user_id': '12345',
    });
    if (!extracted.ok) throw extracted.error;
    expect(extracted.value.baggage.user_id).toBe('12345');
    expect(extracted.value.baggage.tenant).toBe('acme');
    const span = tracer.startSpanFromContext(extracted.value, 'handle');
    expect(span.baggage.user_id).toBe('12345');
    span.setBaggage('region', 'eu');
    expect(span.baggage.region).toBe('eu');
    expect(span.baggage.keys().sort()).toEqual(['region', 'tenant', 'user_id']);
  });

  it('a baggage key that names a method is read with get(), never shadows the method', () => {
    const parsed = Baggage.parse('get=1,size=2,toString=3,plain=4');
    if (!parsed.ok) throw parsed.error;
    const baggage = parsed.value;
    expect(baggage.get('get')).toBe('1');
    expect(baggage.size).toBe(4);
    expect(baggage.get('toString')).toBe('3');
    expect(baggage.plain).toBe('4');
    expect(typeof baggage.toString).toBe('function');
    expect(() => `${baggage}`).not.toThrow();
  });

  it('inspecting baggage shows keys, not values', () => {
    const parsed = Baggage.parse('session=secret-token-value');
    if (!parsed.ok) throw parsed.error;
    expect(inspect(parsed.value)).toContain('session');
    expect(inspect(parsed.value)).not.toContain('secret-token-value');
  });
});

describe('event times', () => {
  it('use the span clock: every default event time lies within [start, end]', () => {
    const { tracer } = tracerWithMemory();
    let outside = 0;
    for (let i = 0; i < 1000; i++) {
      const span = tracer.startSpan('op', { parent: null });
      span.addEvent('e');
      span.recordException(new Error('x'));
      tracer.finishSpan(span);
      for (const event of span.events) if (event.time < span.startTime || event.time > span.endTime) outside++;
    }
    expect(outside).toBe(0);
  });

  it('keep microseconds with sub-millisecond precision', () => {
    const { tracer } = tracerWithMemory();
    const fractions = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const span = tracer.startSpan('op', { parent: null });
      span.addEvent('e');
      fractions.add(Math.floor(span.events[0]?.time ?? 0) % 1000);
    }
    expect(fractions.size).toBeGreaterThan(1);
  });

  it('move given times into the span: before the start to the start, after the end to the end', () => {
    const { tracer } = tracerWithMemory();
    const span = tracer.startSpan('op', { startTime: 1_700_000_000_000 });
    span.addEvent('early', undefined, 1_600_000_000_000);
    span.addEvent('inside', undefined, 1_700_000_000_500);
    span.addEvent('late', undefined, 1_700_000_005_000);
    span.end(1_700_000_001_000);
    expect(span.events.map((event) => [event.name, event.time])).toEqual([
      ['early', 1_700_000_000_000_000],
      ['inside', 1_700_000_000_500_000],
      ['late', 1_700_000_001_000_000],
    ]);
    expect(span.endTime).toBe(1_700_000_001_000_000);
  });
});

describe('contexts made by hand', () => {
  it('a context with ids set by hand is sampled, so its child is recorded and exported', async () => {
    const { tracer, exporter } = tracerWithMemory();
    const context = new TraceContext({ traceId: TRACE_ID, spanId: SPAN_ID });
    expect(context.sampled).toBe(true);
    const child = tracer.startSpanFromContext(context, 'worker');
    expect(child.isRecording()).toBe(true);
    child.end();
    await tracer.flush();
    expect(exporter.getFinishedSpans().map((span) => span.parentSpanId)).toEqual([SPAN_ID]);
  });

  it('SpanBuilder.withParent(spanId) without a trace id is an error, not a new root', () => {
    const { tracer } = tracerWithMemory();
    const built = new SpanBuilder(tracer).withParent(SPAN_ID).withOperation('orphan').build();
    expect(built.ok).toBe(false);
    if (!built.ok) {
      expect(built.error.code).toBe('PARENT_WITHOUT_TRACE_ID');
      expect(built.error.message).toContain('withTraceId');
    }
  });
});

describe('samplers', () => {
  it('a user sampler may keep what it is given: two spans, two different unchanged values', () => {
    const seen: SamplingParameters[] = [];
    const sampler = {
      shouldSample(parameters: SamplingParameters) {
        seen.push(parameters);
        return true;
      },
      toString: () => 'Keeper',
    };
    const { tracer } = tracerWithMemory({ sampler });
    const first = tracer.startSpan('first', { parent: null });
    const second = tracer.startChildSpan(first, 'second');
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen[0]).toEqual({
      traceIdLowBits: Number.parseInt(first.traceId.slice(24), 16),
      parentSampled: undefined,
      parentIsRemote: false,
      operationName: 'first',
    });
    expect(seen[1]).toEqual({
      traceIdLowBits: Number.parseInt(first.traceId.slice(24), 16),
      parentSampled: true,
      parentIsRemote: false,
      operationName: 'second',
    });
    const firstSeen = { ...seen[0] };
    for (let i = 0; i < 10; i++) tracer.startSpan(`more-${i}`, { parent: null });
    expect(seen[0]).toEqual(firstSeen);
    expect(second.isRecording()).toBe(true);
  });

  it('a user sampler inside parentBased also gets values it may keep', () => {
    const seen: SamplingParameters[] = [];
    const root = { shouldSample: (parameters: SamplingParameters) => seen.push(parameters) > 0, toString: () => 'Root' };
    const { tracer } = tracerWithMemory({ sampler: parentBased(root) });
    tracer.startSpan('one', { parent: null });
    tracer.startSpan('two', { parent: null });
    expect(seen.map((parameters) => parameters.operationName)).toEqual(['one', 'two']);
  });

  it('built-in samplers still decide as before', () => {
    const { tracer } = tracerWithMemory({ sampler: parentBased(alwaysOn()) });
    expect(tracer.startSpan('op', { parent: null }).isRecording()).toBe(true);
  });
});

describe('W3C propagator round trip keeps frozen values', () => {
  it('extracted contexts, their tracestate and baggage are frozen', () => {
    const extracted = new W3CPropagator().extract({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: 'rojo=1', baggage: 'a=1' });
    if (!extracted.ok) throw extracted.error;
    expect(Object.isFrozen(extracted.value)).toBe(true);
    expect(Object.isFrozen(extracted.value.traceState)).toBe(true);
    expect(Object.isFrozen(extracted.value.baggage)).toBe(true);
  });
});

describe('shared results', () => {
  it('the "no trace context" result every empty extract returns cannot be changed by one caller', () => {
    const propagator = new W3CPropagator();
    const first = propagator.extract({});
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(Object.isFrozen(first)).toBe(true);
    expect(Reflect.set(first.error, 'message', 'changed')).toBe(false);
    const second = propagator.extract({});
    expect(!second.ok && second.error.message).toBe('carrier has no traceparent header');
  });
});

describe('partial applies are counted', () => {
  it('setTags with a getter that throws keeps the tags before it and counts the failure', () => {
    const { tracer } = tracerWithMemory();
    const span = tracer.startSpan('op');
    const tags = { first: 1 } as Record<string, number>;
    Object.defineProperty(tags, 'broken', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    expect(() => span.setTags(tags)).not.toThrow();
    expect(span.tags).toEqual({ first: 1 });
    expect(span.droppedAttributesCount).toBe(1);
  });
});
