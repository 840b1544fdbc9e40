import { EventEmitter } from 'node:events';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, defaultTextMapGetter, defaultTextMapSetter, propagation, trace } from '@opentelemetry/api';
import { ConfigError, type Span, Tracer, alwaysOff, isTracingSuppressed, suppressTracing } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import { type OpenTelemetryApiRegistration, registerOpenTelemetryApi } from '@trace/otel-adapter/api-bridge';

let exporter: InMemoryExporter;
let tracer: Tracer;
let registration: OpenTelemetryApiRegistration;

beforeEach(() => {
  exporter = new InMemoryExporter();
  tracer = new Tracer({ serviceName: 'bridge-test', exporters: [exporter] });
  registration = registerOpenTelemetryApi(tracer);
});

afterEach(async () => {
  registration.unregister();
  await tracer.shutdown();
});

async function exported(): Promise<Span[]> {
  await tracer.flush();
  return exporter.getFinishedSpans();
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

// A library that knows only @opentelemetry/api.
async function libraryWork(): Promise<string> {
  const otelTracer = trace.getTracer('orders-lib', '3.1.4');
  return otelTracer.startActiveSpan('checkout', { kind: SpanKind.SERVER, attributes: { 'order.items': 3, tags: ['a', 'b'] } }, async (root) => {
    await tick();
    const linked = otelTracer.startSpan('batch', { root: true });
    linked.end();
    await otelTracer.startActiveSpan('reserve', async (child) => {
      child.addEvent('reserved', { count: 2 });
      await tick();
      otelTracer.startActiveSpan('db.query', { kind: SpanKind.CLIENT, links: [{ context: linked.spanContext(), attributes: { why: 'batch' } }] }, (query) => {
        query.setAttribute('db.system', 'postgresql');
        query.recordException(new RangeError('slow'));
        query.setStatus({ code: SpanStatusCode.ERROR, message: 'slow' });
        query.end();
      });
      child.end();
    });
    root.setStatus({ code: SpanStatusCode.OK });
    root.end();
    return root.spanContext().traceId;
  });
}

describe('registerOpenTelemetryApi', () => {
  it('turns spans of a library written against @opentelemetry/api into @trace spans: tree, scope, times, attributes', async () => {
    const traceId = await libraryWork();
    const spans = await exported();
    const byName = new Map(spans.map((span) => [span.operationName, span]));
    expect([...byName.keys()].sort()).toEqual(['batch', 'checkout', 'db.query', 'reserve']);
    const root = byName.get('checkout') as Span;
    const reserve = byName.get('reserve') as Span;
    const query = byName.get('db.query') as Span;
    const batch = byName.get('batch') as Span;
    expect(root.traceId).toBe(traceId);
    expect(root.hasParent).toBe(false);
    expect(reserve.parentSpanId).toBe(root.spanId);
    expect(query.parentSpanId).toBe(reserve.spanId);
    expect(query.traceId).toBe(traceId);
    expect(batch.traceId).not.toBe(traceId); // root: true
    expect(root.kind).toBe('server');
    expect(query.kind).toBe('client');
    expect(root.status).toBe('ok');
    expect(query.status).toBe('error');
    expect(query.statusMessage).toBe('slow');
    expect(root.tags).toEqual({ 'order.items': 3, tags: ['a', 'b'] });
    expect(query.getTag('db.system')).toBe('postgresql');
    expect(query.events.map((event) => [event.name, event.attributes['exception.type'], event.attributes['exception.message']])).toEqual([
      ['exception', 'RangeError', 'slow'],
    ]);
    expect(query.links).toHaveLength(1);
    expect(query.links[0]?.context.spanId).toBe(batch.spanId);
    expect(query.links[0]?.attributes).toEqual({ why: 'batch' });
    const event = reserve.events[0];
    expect(event?.name).toBe('reserved');
    expect(event?.time).toBeGreaterThanOrEqual(reserve.startTime);
    expect(event?.time).toBeLessThanOrEqual(reserve.endTime);
    expect(reserve.startTime).toBeGreaterThanOrEqual(root.startTime);
    expect(reserve.endTime).toBeLessThanOrEqual(root.endTime);
    for (const span of spans) expect(span.instrumentationScope).toEqual({ name: 'orders-lib', version: '3.1.4' });
    // one scope object per tracer, so exporters group the spans under one scope
    expect(new Set(spans.map((span) => span.instrumentationScope)).size).toBe(1);
  });

  it('recordException adds the event without setting the status, as OpenTelemetry does', async () => {
    const span = trace.getTracer('t').startSpan('op');
    span.recordException('plain text');
    span.recordException({ name: 'Custom', message: 'detail', code: 7 });
    span.end();
    const [finished] = await exported();
    expect(finished?.status).toBe('unset');
    expect(finished?.events.map((event) => event.attributes)).toEqual([
      { 'exception.message': 'plain text' },
      { 'exception.type': 'Custom', 'exception.message': 'detail' },
    ]);
  });

  it('implements the rest of the Span interface: updateName, setAttributes, OK is final, end(time) once, times as HrTime and Date', async () => {
    const otelTracer = trace.getTracer('t');
    const start = Date.now() - 1000;
    const span = otelTracer.startSpan('first', { startTime: new Date(start) });
    span.updateName('renamed');
    span.setAttributes({ a: 1, b: 'x', skipped: undefined, holes: [1, null, 2] as number[] });
    span.addEvent('at-hrtime', [Math.floor((start + 100) / 1000), ((start + 100) % 1000) * 1e6]);
    span.setStatus({ code: SpanStatusCode.OK });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'ignored' });
    span.addLinks([
      { context: { traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), traceFlags: 1 } },
      { context: { traceId: 'zz', spanId: '1', traceFlags: 1 } },
    ]);
    expect(span.isRecording()).toBe(true);
    span.end(start + 500);
    span.end(); // ignored
    expect(span.isRecording()).toBe(false);
    const spans = await exported();
    expect(spans).toHaveLength(1);
    const [finished] = spans;
    expect(finished?.operationName).toBe('renamed');
    expect(finished?.tags).toEqual({ a: 1, b: 'x', holes: [1, 2] });
    expect(finished?.status).toBe('ok');
    expect(finished?.startTime).toBe(start * 1000);
    expect(finished?.events[0]?.time).toBe((start + 100) * 1000);
    expect(finished?.duration).toBe(500_000);
    expect(finished?.links.map((link) => link.context.traceId)).toEqual(['f'.repeat(32)]);
  });

  it('shares one current span with @trace in both directions', async () => {
    await tracer.withSpan('native-parent', async (nativeParent) => {
      const active = trace.getActiveSpan();
      expect(active?.spanContext().spanId).toBe(nativeParent.spanId);
      expect(trace.getActiveSpan()).toBe(active); // the same wrapper each time
      await trace.getTracer('lib').startActiveSpan('otel-child', async (otelChild) => {
        await tick();
        const native = tracer.startSpan('native-grandchild');
        expect(native.parentSpanId).toBe(otelChild.spanContext().spanId);
        expect(tracer.getCurrentSpan()?.spanId).toBe(otelChild.spanContext().spanId);
        native.end();
        otelChild.end();
      });
      expect(trace.getActiveSpan()?.spanContext().spanId).toBe(nativeParent.spanId);
    });
    expect(trace.getActiveSpan()).toBeUndefined();
    const spans = await exported();
    const byName = new Map(spans.map((span) => [span.operationName, span]));
    expect(byName.get('otel-child')?.parentSpanId).toBe(byName.get('native-parent')?.spanId);
    expect(byName.get('native-grandchild')?.parentSpanId).toBe(byName.get('otel-child')?.spanId);
  });

  it('context.with(ROOT_CONTEXT) starts new traces on both sides; context.bind carries the context into callbacks', async () => {
    await tracer.withSpan('outer', async (outer) => {
      context.with(ROOT_CONTEXT, () => {
        expect(trace.getActiveSpan()).toBeUndefined();
        expect(tracer.getCurrentSpan()).toBeUndefined();
        const native = tracer.startSpan('native-root');
        expect(native.hasParent).toBe(false);
        native.end();
      });
      const bound = context.bind(context.active(), () => trace.getActiveSpan()?.spanContext().spanId);
      const seen = await new Promise((resolve) => setImmediate(() => context.with(ROOT_CONTEXT, () => resolve(bound()))));
      expect(seen).toBe(outer.spanId);
      const emitter = context.bind(context.active(), new EventEmitter());
      const listener = () => {
        calls.push(trace.getActiveSpan()?.spanContext().spanId);
      };
      const calls: (string | undefined)[] = [];
      emitter.on('ping', listener);
      context.with(ROOT_CONTEXT, () => emitter.emit('ping'));
      emitter.off('ping', listener);
      emitter.emit('ping');
      expect(calls).toEqual([outer.spanId]);
    });
  });

  it('a bound emitter runs on/once/prepend listeners in its context; off, listeners() and once behave as on a plain emitter', async () => {
    await tracer.withSpan('outer', async (outer) => {
      const emitter = context.bind(context.active(), new EventEmitter());
      expect(context.bind(ROOT_CONTEXT, emitter)).toBe(emitter); // the first context stays
      const seen: string[] = [];
      const record = (label: string) => () => {
        seen.push(`${label}:${trace.getActiveSpan()?.spanContext().spanId ?? 'none'}`);
      };
      const on = record('on');
      const once = record('once');
      const first = record('first');
      const firstOnce = record('firstOnce');
      const removedOnce = record('removedOnce');
      emitter.on('ping', on);
      emitter.once('ping', once);
      emitter.prependListener('ping', first);
      emitter.prependOnceListener('ping', firstOnce);
      emitter.addListener('ping', removedOnce);
      emitter.once('pong', removedOnce);
      expect(emitter.listeners('ping')).toEqual([firstOnce, first, on, once, removedOnce]);
      emitter.off('ping', removedOnce);
      emitter.removeListener('pong', removedOnce);
      expect(emitter.listenerCount('pong')).toBe(0);
      context.with(ROOT_CONTEXT, () => emitter.emit('ping', 1));
      emitter.emit('ping', 2);
      emitter.emit('pong');
      const id = outer.spanId;
      expect(seen).toEqual([`firstOnce:${id}`, `first:${id}`, `on:${id}`, `once:${id}`, `first:${id}`, `on:${id}`]);
      // a once listener runs once even when an earlier listener emits the same event again
      let calls = 0;
      emitter.once('nested', () => calls++);
      emitter.prependOnceListener('nested', () => emitter.emit('nested'));
      emitter.emit('nested');
      expect(calls).toBe(1);
      expect(emitter.listenerCount('nested')).toBe(0);
      // a frozen emitter cannot be bound; binding it must not throw into the caller
      const frozen = Object.freeze(new EventEmitter());
      expect(context.bind(context.active(), frozen)).toBe(frozen);
    });
  });

  it("context.bind keeps a function's length, this and arguments", () => {
    const ctx = context.active();
    const functions = [
      () => 0,
      (a: number) => a,
      (a: number, b: number) => a + b,
      (a: number, b: number, c: number) => a + b + c,
      (a: number, b: number, c: number, d: number) => a + b + c + d,
    ];
    for (const fn of functions) expect(context.bind(ctx, fn).length).toBe(fn.length);
    const target = { base: 10 };
    const method = context.bind(ctx, function (this: typeof target, a: number, b: number) {
      return this.base + a + b;
    });
    expect(method.call(target, 1, 2)).toBe(13);
    expect(context.bind(ctx, (...values: number[]) => values.length)(1, 2, 3, 4, 5, 6)).toBe(6);
  });

  it('propagation.inject/extract go through the tracer propagators, with baggage', async () => {
    const carrier: Record<string, string> = {};
    const otelTracer = trace.getTracer('lib');
    const span = otelTracer.startSpan('client');
    const withBaggage = propagation.setBaggage(trace.setSpan(context.active(), span), propagation.createBaggage({ user: { value: 'u-1' } }));
    propagation.inject(withBaggage, carrier, defaultTextMapSetter);
    span.end();
    expect(carrier.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    expect(carrier.baggage).toBe('user=u-1');
    expect(propagation.fields()).toEqual(expect.arrayContaining(['traceparent', 'baggage']));

    const incoming = propagation.extract(ROOT_CONTEXT, { traceparent: carrier.traceparent, tracestate: 'vendor=1', baggage: 'user=u-1' }, defaultTextMapGetter);
    const remote = trace.getSpanContext(incoming);
    expect(remote).toMatchObject({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, traceFlags: 1, isRemote: true });
    expect(remote?.traceState?.get('vendor')).toBe('1');
    expect(propagation.getBaggage(incoming)?.getEntry('user')?.value).toBe('u-1');
    const server = otelTracer.startSpan('server', { kind: SpanKind.SERVER }, incoming);
    server.end();
    const finished = (await exported()).find((each) => each.operationName === 'server');
    expect(finished?.traceId).toBe(span.spanContext().traceId);
    expect(finished?.parentSpanId).toBe(span.spanContext().spanId);
    expect(finished?.parentIsRemote).toBe(true);
    expect(finished?.traceState.get('vendor')).toBe('1');
    // garbage in: the context comes back unchanged
    expect(propagation.extract(ROOT_CONTEXT, { traceparent: 'garbage' }, defaultTextMapGetter)).toBe(ROOT_CONTEXT);
  });

  it('propagation uses whichever getter or setter each call passes, and a throwing setter stays inside inject', () => {
    const span = trace.getTracer('lib').startSpan('client');
    const active = trace.setSpan(ROOT_CONTEXT, span);
    const written: string[] = [];
    const upper = {
      set: (carrier: Record<string, string>, key: string, value: string) => {
        written.push(`upper:${key}`);
        carrier[key.toUpperCase()] = value;
      },
    };
    const plain = {
      set: (carrier: Record<string, string>, key: string, value: string) => {
        written.push(`plain:${key}`);
        carrier[key] = value;
      },
    };
    const first: Record<string, string> = {};
    const second: Record<string, string> = {};
    const third: Record<string, string> = {};
    propagation.inject(active, first, upper);
    propagation.inject(active, second, plain);
    propagation.inject(active, third, upper);
    span.end();
    const traceparent = `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
    expect(first).toEqual({ TRACEPARENT: traceparent });
    expect(second).toEqual({ traceparent });
    expect(third).toEqual({ TRACEPARENT: traceparent });
    expect(written).toEqual(['upper:traceparent', 'plain:traceparent', 'upper:traceparent']);
    const throwing = {
      set: () => {
        throw new Error('setter bug');
      },
    };
    expect(() => propagation.inject(active, {}, throwing)).not.toThrow();

    const parentId = '1'.repeat(16);
    const header = `00-${'a'.repeat(32)}-${parentId}-01`;
    const fromMap = {
      get: (carrier: unknown, key: string) => (carrier instanceof Map ? (carrier.get(key) as string | undefined) : undefined),
      keys: (carrier: unknown) => (carrier instanceof Map ? [...carrier.keys()] : []),
    };
    const remoteOf = (incoming: ReturnType<typeof propagation.extract>) => trace.getSpanContext(incoming)?.spanId;
    expect(remoteOf(propagation.extract(ROOT_CONTEXT, new Map([['traceparent', header]]), fromMap))).toBe(parentId);
    expect(remoteOf(propagation.extract(ROOT_CONTEXT, { traceparent: header }, defaultTextMapGetter))).toBe(parentId);
    expect(remoteOf(propagation.extract(ROOT_CONTEXT, new Map([['traceparent', header]]), fromMap))).toBe(parentId);
    // the plain-object getter finds nothing in a Map, the Map getter nothing in a plain object
    expect(propagation.extract(ROOT_CONTEXT, new Map([['traceparent', header]]), defaultTextMapGetter)).toBe(ROOT_CONTEXT);
    expect(propagation.extract(ROOT_CONTEXT, { traceparent: header }, fromMap)).toBe(ROOT_CONTEXT);
  });

  it('a remote parent or link without a traceState gets the empty one', async () => {
    const otelTracer = trace.getTracer('lib');
    const remote = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1, isRemote: true };
    const linked = { traceId: 'e'.repeat(32), spanId: 'f'.repeat(16), traceFlags: 0 };
    otelTracer.startSpan('server', { links: [{ context: linked }] }, trace.setSpanContext(ROOT_CONTEXT, remote)).end();
    const [server] = await exported();
    expect(server?.traceId).toBe(remote.traceId);
    expect(server?.parentSpanId).toBe(remote.spanId);
    expect(server?.parentIsRemote).toBe(true);
    expect(server?.traceState.serialize()).toBe('');
    expect(server?.links).toHaveLength(1);
    expect(server?.links[0]?.context.traceId).toBe(linked.traceId);
    expect(server?.links[0]?.context.isRemote).toBe(false);
    expect(server?.links[0]?.context.traceState.serialize()).toBe('');
  });

  it("samples with @trace's sampler: unsampled spans do not record and are not exported", async () => {
    registration.unregister();
    await tracer.shutdown();
    exporter = new InMemoryExporter();
    tracer = new Tracer({ exporters: [exporter], sampler: alwaysOff() });
    registration = registerOpenTelemetryApi(tracer);
    const span = trace.getTracer('lib').startSpan('dropped', { attributes: { a: 1 } });
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceFlags).toBe(0);
    span.setAttribute('b', 2).addEvent('e');
    span.end();
    expect(await exported()).toEqual([]);
  });

  it('refuses to replace another global and unregisters cleanly', () => {
    expect(() => registerOpenTelemetryApi(new Tracer())).toThrow(ConfigError);
    // the failed call left the first registration in place
    expect(trace.getTracer('lib').startSpan('x').isRecording()).toBe(true);
    registration.unregister();
    expect(trace.getTracer('lib').startSpan('noop').isRecording()).toBe(false);
    registration = registerOpenTelemetryApi(tracer);
    expect(trace.getTracer('lib').startSpan('again').isRecording()).toBe(true);
  });

  it('records nothing where tracing is suppressed, on either side', async () => {
    const otelTracer = trace.getTracer('lib');
    const inside = suppressTracing(() => otelTracer.startSpan('export request'));
    expect(inside.isRecording()).toBe(false);
    // OpenTelemetry instrumentations read the suppression from the active context
    const suppressKey = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
    expect(suppressTracing(() => context.active().getValue(suppressKey))).toBe(true);
    expect(context.active().getValue(suppressKey)).toBeUndefined();
    // and code that suppresses through the OpenTelemetry context suppresses @trace's side too
    expect(context.with(context.active().setValue(suppressKey, true), () => isTracingSuppressed())).toBe(true);
    otelTracer.startSpan('recorded').end();
    expect((await exported()).map((span) => span.operationName)).toEqual(['recorded']);
  });
});
