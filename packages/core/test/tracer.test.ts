import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import {
  type Span,
  SpanBuilder,
  TraceContext,
  TraceState,
  Tracer,
  alwaysOff,
  alwaysOn,
  currentAttachment,
  getCurrentSpan,
  globalTracer,
  parentBased,
  registerSpanObserver,
  runWithAttachment,
  setGlobalTracer,
  traceChildSpan,
  traceIdRatio,
  traceSpan,
} from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

function tracerWithMemory(options: ConstructorParameters<typeof Tracer>[0] = {}) {
  const exporter = new InMemoryExporter();
  const tracer = new Tracer({ serviceName: 'test-service', ...options, exporters: [exporter], exportSettings: { flushInterval: 1 } });
  return { tracer, exporter };
}

describe('spans', () => {
  it('have lowercase hex ids, never all zero, and a root has no parent', () => {
    const { tracer } = tracerWithMemory();
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const span = tracer.startSpan('op', { parent: null });
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(span.traceId).not.toBe('0'.repeat(32));
      expect(span.parentSpanId).toBe('');
      ids.add(span.spanId);
    }
    expect(ids.size).toBe(2000);
  });

  it('writes ids as the bytes of their hex', () => {
    const { tracer } = tracerWithMemory();
    const parent = tracer.startSpan('parent');
    const child = tracer.startChildSpan(parent, 'child');
    const bytes = new Uint8Array(32);
    child.writeTraceId(bytes, 0);
    child.writeSpanId(bytes, 16);
    child.writeParentSpanId(bytes, 24);
    const hex = Buffer.from(bytes).toString('hex');
    expect(hex).toBe(child.traceId + child.spanId + parent.spanId);
  });

  it('children share the trace, point at the parent and inherit the service', () => {
    const { tracer } = tracerWithMemory();
    const parent = tracer.startSpan('handle_request', { serviceName: 'api-gateway' });
    const child = tracer.startChildSpan(parent, 'validate_input');
    expect(child.traceId).toBe(parent.traceId);
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(child.serviceName).toBe('api-gateway');
    expect(parent.serviceName).toBe('api-gateway');
    expect(tracer.startSpan('x', { parent: null }).serviceName).toBe('test-service');
  });

  it('compare trace and parent ids by word, as their hex compares', () => {
    const { tracer } = tracerWithMemory();
    const root = tracer.startSpan('root', { parent: null });
    const first = tracer.startChildSpan(root, 'a');
    const second = tracer.startChildSpan(root, 'b');
    const grandchild = tracer.startChildSpan(first, 'c');
    const other = tracer.startSpan('other', { parent: null });
    const spans = [root, first, second, grandchild, other];
    for (const a of spans) {
      for (const b of spans) {
        expect(a.hasSameTraceId(b)).toBe(a.traceId === b.traceId);
        expect(a.hasSameParentSpanId(b)).toBe(a.parentSpanId === b.parentSpanId);
      }
    }
    expect(first.hasSameParentSpanId(second)).toBe(true);
    expect(root.hasSameTraceId(other)).toBe(false);
  });

  it('measure duration on a monotonic clock and stamp epoch microseconds', async () => {
    const { tracer } = tracerWithMemory();
    const before = Date.now() * 1000;
    const span = tracer.startSpan('op');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(span.isFinished()).toBe(false);
    expect(tracer.finishSpan(span).ok).toBe(true);
    expect(span.isFinished()).toBe(true);
    expect(span.startTime).toBeGreaterThanOrEqual(before - 5000);
    expect(span.duration).toBeGreaterThanOrEqual(4000);
    expect(span.endTime).toBeCloseTo(span.startTime + span.duration, 3);
  });

  it('take the current time for an invalid start, end or event time, without throwing', () => {
    const { tracer } = tracerWithMemory();
    const invalid: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -5, new Date('not a date'), '2024-01-01', 1e300];
    // Spans read a monotonic clock anchored to the epoch once, so they sit a fraction of a
    // millisecond off Date.now(), which itself ticks in whole milliseconds. The slack is far below
    // what every invalid input would give (0, a negative, 1e300 or NaN microseconds).
    const slackMicros = 50_000;
    for (const time of invalid) {
      const before = Date.now() * 1000;
      const span = tracer.startSpan('t', { parent: null, startTime: time as number });
      span.addEvent('e', undefined, time as number);
      expect(span.end(time as number).ok).toBe(true);
      const after = Date.now() * 1000;
      for (const micros of [span.startTime, span.events[0]?.time as number, span.startTime + span.duration]) {
        expect(Number.isFinite(micros)).toBe(true);
        expect(micros).toBeGreaterThanOrEqual(before - slackMicros);
        expect(micros).toBeLessThanOrEqual(after + slackMicros);
      }
    }
    // Valid times are kept as given, a Date included.
    const span = tracer.startSpan('t', { parent: null, startTime: new Date(1_700_000_000_000) });
    span.addEvent('e', undefined, 1_700_000_000_500);
    span.end(1_700_000_001_000);
    expect([span.startTime, span.events[0]?.time, span.duration]).toEqual([1_700_000_000_000_000, 1_700_000_000_500_000, 1_000_000]);
  });

  it('never report a negative duration when the wall clock steps back', () => {
    const { tracer } = tracerWithMemory();
    const realNow = Date.now;
    const span = tracer.startSpan('op');
    try {
      Date.now = () => realNow() - 3_600_000;
      tracer.finishSpan(span);
    } finally {
      Date.now = realNow;
    }
    expect(span.duration).toBeGreaterThanOrEqual(0);
  });

  it('takes the kind from the span.kind tag unless given explicitly', () => {
    const { tracer } = tracerWithMemory();
    const fromTag = tracer.startSpan('a').setTag('span.kind', 'server');
    expect(fromTag.kind).toBe('server');
    const explicit = tracer.startSpan('b', { kind: 'client' }).setTag('span.kind', 'server');
    expect(explicit.kind).toBe('client');
    expect(tracer.startSpan('c').kind).toBe('internal');
  });

  it('keep valid tags, drop invalid ones and count them', () => {
    const { tracer } = tracerWithMemory({ spanLimits: { attributeCountLimit: 4, attributeValueLengthLimit: 5 } });
    const span = tracer.startSpan('op');
    span.setTag('s', 'abcdefgh').setTag('n', 1.5).setTag('b', true).setTag('arr', ['x', 'yyyyyyy']);
    span.setTag('fifth', 'over the limit');
    span
      .setTag('obj', { a: 1 } as never)
      .setTag('mixed', [1, 'a'] as never)
      .setTag('__proto__', 'x');
    expect(span.tags).toEqual({ s: 'abcde', n: 1.5, b: true, arr: ['x', 'yyyyy'] });
    expect(span.droppedAttributesCount).toBe(4);
    span.setTag('s', 'new');
    expect(span.getTag('s')).toBe('new');
    expect(Object.getPrototypeOf({}).x).toBeUndefined();
  });

  it('record events and exceptions, within limits', () => {
    const { tracer } = tracerWithMemory({ spanLimits: { eventCountLimit: 2 } });
    const span = tracer.startSpan('op', { startTime: new Date(1_699_999_999_000) });
    span.addEvent('cache.miss', { key: 'user:1' }, new Date(1_700_000_000_000));
    const error = new TypeError('bad input');
    span.recordException(error);
    span.addEvent('over');
    expect(span.events.map((event) => event.name)).toEqual(['cache.miss', 'exception']);
    expect(span.events[0]?.time).toBe(1_700_000_000_000_000);
    expect(span.droppedEventsCount).toBe(1);
    expect(span.status).toBe('error');
    expect(span.statusMessage).toBe('bad input');
    expect(span.tags).toMatchObject({ error: true, 'error.message': 'bad input', 'error.type': 'TypeError' });
    expect(span.events[1]?.attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'bad input' });
    expect(String(span.events[1]?.attributes['exception.stacktrace'])).toContain('TypeError: bad input');
  });

  it('record links within the limit', () => {
    const { tracer } = tracerWithMemory({ spanLimits: { linkCountLimit: 1 } });
    const other = tracer.startSpan('other');
    const span = tracer.startSpan('op', { links: [other, new TraceContext({ traceId: TRACE_ID, spanId: SPAN_ID })] });
    expect(span.links).toHaveLength(1);
    expect(span.links[0]?.context.spanId).toBe(other.spanId);
    expect(span.droppedLinksCount).toBe(1);
  });

  it('ignore and count every change after finish', () => {
    const { tracer } = tracerWithMemory();
    const span = tracer.startSpan('op').setTag('before', 1);
    span.end();
    span.setTag('after', 1).setStatus('error', 'late').addEvent('late').setOperationName('renamed').setBaggage('k', 'v');
    expect(span.tags).toEqual({ before: 1 });
    expect(span.status).toBe('unset');
    expect(span.operationName).toBe('op');
    expect(span.events).toHaveLength(0);
    expect(tracer.getDiagnostics().changesAfterFinish).toBe(5);
    const again = tracer.finishSpan(span);
    expect(!again.ok && again.error.code).toBe('SPAN_ALREADY_FINISHED');
  });

  it('finishSpan on something that is not a span is an error result, not a throw', () => {
    const { tracer } = tracerWithMemory();
    const result = tracer.finishSpan({} as Span);
    expect(!result.ok && result.error.code).toBe('NOT_A_SPAN');
  });
});

describe('context from a carrier', () => {
  it('continues the trace with a new parent id and carries flags and tracestate on (W3C §3.3, §3.5)', () => {
    const { tracer } = tracerWithMemory();
    const incoming = tracer.extractContextFromCarrier({
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-03`,
      tracestate: 'congo=t61rcWkgMzE',
      baggage: 'user_id=12345',
    });
    expect(incoming.ok).toBe(true);
    if (!incoming.ok) return;
    const server = tracer.startSpanFromContext(incoming.value, 'process_order', { kind: 'server' });
    expect(server.traceId).toBe(TRACE_ID);
    expect(server.parentSpanId).toBe(SPAN_ID);
    expect(server.parentIsRemote).toBe(true);
    expect(server.traceFlags).toBe(0x03);
    expect(server.getBaggage('user_id')).toBe('12345');
    const child = tracer.startChildSpan(server, 'check_inventory');
    const outgoing: Record<string, string> = {};
    tracer.injectContext(tracer.extractContext(child), outgoing);
    expect(outgoing.traceparent).toBe(`00-${TRACE_ID}-${child.spanId}-03`);
    expect(outgoing.tracestate).toBe('congo=t61rcWkgMzE');
    expect(outgoing.baggage).toBe('user_id=12345');
  });

  it('injecting a span writes the same headers as injecting its context, flags, state and baggage included', () => {
    const { tracer } = tracerWithMemory();
    const incoming = tracer.extractContextFromCarrier({
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-09`,
      tracestate: 'congo=t61rcWkgMzE',
      baggage: 'tenant=acme%20corp',
    });
    if (!incoming.ok) throw new Error('setup');
    const span = tracer.startSpanFromContext(incoming.value, 'forward');
    const fromSpan: Record<string, string> = {};
    const fromContext: Record<string, string> = {};
    tracer.injectContext(span, fromSpan);
    tracer.injectContext(span.context(), fromContext);
    expect(fromSpan).toEqual(fromContext);
    expect(fromSpan).toEqual({ traceparent: `00-${TRACE_ID}-${span.spanId}-09`, tracestate: 'congo=t61rcWkgMzE', baggage: 'tenant=acme%20corp' });
    expect(span.toTraceparent()).toBe(fromSpan.traceparent);
  });

  it('a span injected again writes the same traceparent, and the new flags once they change', () => {
    const { tracer } = tracerWithMemory();
    const span = tracer.startSpan('client');
    const first: Record<string, string> = {};
    const second: Record<string, string> = {};
    tracer.injectContext(span, first);
    tracer.injectContext(span, second);
    expect(second.traceparent).toBe(`00-${span.traceId}-${span.spanId}-01`);
    expect(second.traceparent).toBe(first.traceparent);
    // A header kept from the first inject must not outlive a change of flags.
    span.traceFlags = 0;
    const afterChange: Record<string, string> = {};
    tracer.injectContext(span, afterChange);
    expect(afterChange.traceparent).toBe(`00-${span.traceId}-${span.spanId}-00`);
    expect(span.toTraceparent()).toBe(afterChange.traceparent);
    // Another span's header is its own, whatever was injected before.
    const other = tracer.startSpan('other');
    expect(other.toTraceparent()).toBe(`00-${other.traceId}-${other.spanId}-01`);
  });

  it('extractContext gives a context whose state can be updated per W3C', () => {
    const { tracer } = tracerWithMemory();
    const state = TraceState.parse('a=1,b=2');
    if (!state.ok) throw new Error('setup');
    const span = tracer.startSpanFromContext(new TraceContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceState: state.value }), 'op');
    const updated = span.traceState.set('b', '3');
    expect(updated.ok && updated.value.serialize()).toBe('b=3,a=1');
    expect(tracer.extractContext(span).traceState.serialize()).toBe('a=1,b=2');
  });
});

describe('debug and parent ids in the context', () => {
  it('a debug context is sampled even by alwaysOff, and children inherit the flag', () => {
    const { tracer } = tracerWithMemory({ sampler: alwaysOff() });
    const debugParent = new TraceContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0, debug: true, isRemote: true });
    const span = tracer.startSpanFromContext(debugParent, 'forced');
    expect(span.sampled).toBe(true);
    expect(span.debug).toBe(true);
    const child = tracer.startChildSpan(span, 'child');
    expect(child.debug).toBe(true);
    expect(child.context().debug).toBe(true);
  });

  it('a span context carries the span parent id (for B3)', () => {
    const { tracer } = tracerWithMemory();
    const root = tracer.startSpan('root', { parent: null });
    const child = tracer.startChildSpan(root, 'child');
    expect(root.context().parentSpanId).toBe('');
    expect(child.context().parentSpanId).toBe(root.spanId);
  });
});

describe('sampling', () => {
  it('an unsampled span records nothing, is never exported, yet its context propagates', async () => {
    const { tracer, exporter } = tracerWithMemory({ sampler: alwaysOff() });
    const span = tracer.startSpan('op').setTag('a', 1);
    span.addEvent('e');
    expect(span.isRecording()).toBe(false);
    expect(span.tags).toEqual({});
    const headers: Record<string, string> = {};
    tracer.injectContext(span, headers);
    expect(headers.traceparent).toBe(`00-${span.traceId}-${span.spanId}-00`);
    span.end();
    await tracer.flush();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(tracer.getExportStats()[0]?.finishedSpans).toBe(0);
  });

  it('parentBased follows the remote parent decision and the root sampler otherwise', () => {
    const { tracer } = tracerWithMemory({ sampler: parentBased(alwaysOff()) });
    expect(tracer.startSpan('root').sampled).toBe(false);
    const sampledParent = new TraceContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true });
    expect(tracer.startSpanFromContext(sampledParent, 'x').sampled).toBe(true);
    const unsampledParent = new TraceContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0, isRemote: true });
    const { tracer: onTracer } = tracerWithMemory({ sampler: parentBased(alwaysOn()) });
    expect(onTracer.startSpanFromContext(unsampledParent, 'x').sampled).toBe(false);
  });

  it('traceIdRatio samples about the ratio, and the same trace id always gets the same answer', () => {
    const { tracer } = tracerWithMemory({ sampler: traceIdRatio(0.25) });
    let sampled = 0;
    for (let i = 0; i < 4000; i++) if (tracer.startSpan('x', { parent: null }).sampled) sampled++;
    expect(sampled).toBeGreaterThan(800);
    expect(sampled).toBeLessThan(1200);
    // Same ratio, same trace id: every service decides the same way.
    const downstream = new Tracer({ sampler: traceIdRatio(0.25) });
    for (let i = 0; i < 200; i++) {
      const span = tracer.startSpan('x', { parent: null });
      const context = new TraceContext({ traceId: span.traceId, spanId: SPAN_ID, traceFlags: 0 });
      expect(downstream.startSpanFromContext(context, 'y', { parent: null }).sampled).toBe(span.sampled);
    }
    expect(() => traceIdRatio(2)).toThrow(/between 0 and 1/);
  });

  it('a sampler that throws gives an unsampled span, not an exception', () => {
    const tracer = new Tracer({
      sampler: {
        shouldSample: () => {
          throw new Error('bug');
        },
        toString: () => 'Broken',
      },
    });
    expect(tracer.startSpan('x').sampled).toBe(false);
  });
});

describe('current span across async code', () => {
  it('follows await, timers and promise chains inside withSpan', async () => {
    const { tracer } = tracerWithMemory();
    const seen: (string | undefined)[] = [];
    await tracer.withSpan('outer', async (outer) => {
      seen.push(tracer.getCurrentSpan()?.spanId === outer.spanId ? 'await-start' : undefined);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(tracer.getCurrentSpan()?.spanId === outer.spanId ? 'after-timer' : undefined);
      await Promise.resolve().then(() => seen.push(tracer.getCurrentSpan()?.spanId === outer.spanId ? 'in-then' : undefined));
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          seen.push(tracer.getCurrentSpan()?.spanId === outer.spanId ? 'immediate' : undefined);
          resolve();
        }),
      );
    });
    expect(seen).toEqual(['await-start', 'after-timer', 'in-then', 'immediate']);
    expect(tracer.getCurrentSpan()).toBeUndefined();
  });

  it('nests: spans started inside withSpan are children of the current span', () => {
    const { tracer } = tracerWithMemory();
    tracer.withSpan('a', (a) => {
      tracer.withSpan('b', (b) => {
        expect(b.parentSpanId).toBe(a.spanId);
        const c = tracer.startSpan('c');
        expect(c.parentSpanId).toBe(b.spanId);
        c.end();
      });
      expect(tracer.getCurrentSpan()).toBe(a);
    });
  });

  it('never leaks between concurrent flows', async () => {
    const { tracer } = tracerWithMemory();
    const flows = Array.from({ length: 200 }, (_, i) =>
      tracer.withSpan(`flow-${i}`, async (span) => {
        for (let step = 0; step < 3; step++) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
          if (tracer.getCurrentSpan() !== span) return false;
        }
        return true;
      }),
    );
    expect((await Promise.all(flows)).every(Boolean)).toBe(true);
  });

  it('follows EventEmitter callbacks bound to the context', () => {
    const { tracer } = tracerWithMemory();
    const emitter = new EventEmitter();
    let seen: Span | undefined;
    let expected: Span | undefined;
    tracer.withSpan('listener-owner', (span) => {
      expected = span;
      emitter.on(
        'event',
        AsyncResource.bind(() => {
          seen = tracer.getCurrentSpan();
        }),
      );
    });
    emitter.emit('event');
    expect(seen).toBe(expected);
  });

  it('setCurrentSpan makes a span current for the rest of the async flow', async () => {
    const { tracer } = tracerWithMemory();
    const span = tracer.startSpan('manual');
    await (async () => {
      tracer.setCurrentSpan(span);
      await Promise.resolve();
      expect(tracer.getCurrentSpan()).toBe(span);
    })();
  });

  describe('a bridge attachment beside the current span', () => {
    const attachment = { bridge: 'other-api' };

    it('is current with its span through async work, and gone outside', async () => {
      const { tracer } = tracerWithMemory();
      const span = tracer.startSpan('bridged');
      const seen = await runWithAttachment(span, attachment, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return [currentAttachment(), tracer.getCurrentSpan(), getCurrentSpan(), tracer.startSpan('child').parentSpanId];
      });
      expect(seen).toEqual([attachment, span, span, span.spanId]);
      expect(currentAttachment()).toBeUndefined();
      expect(tracer.getCurrentSpan()).toBeUndefined();
    });

    it('stays with the spans @trace makes current inside, which read as plain spans', () => {
      const { tracer } = tracerWithMemory();
      const outer = tracer.startSpan('outer');
      runWithAttachment(outer, attachment, () => {
        tracer.withSpan('inner', (inner) => {
          expect(currentAttachment()).toBe(attachment);
          expect(tracer.getCurrentSpan()).toBe(inner);
          expect(inner.parentSpanId).toBe(outer.spanId);
        });
        tracer.runWithoutSpan(() => {
          expect(currentAttachment()).toBe(attachment);
          expect(tracer.getCurrentSpan()).toBeUndefined();
          expect(tracer.startSpan('root').parentSpanId).toBe('');
        });
        const manual = tracer.startSpan('manual');
        tracer.setCurrentSpan(manual);
        expect(tracer.getCurrentSpan()).toBe(manual);
        expect(currentAttachment()).toBe(attachment);
        tracer.clearCurrentSpan();
        expect(tracer.getCurrentSpan()).toBeUndefined();
        expect(currentAttachment()).toBe(attachment);
      });
    });

    it('with no span runs with none current; the function gets its this and arguments', () => {
      const { tracer } = tracerWithMemory();
      tracer.withSpan('outside', () => {
        const self = { name: 'receiver' };
        const result = runWithAttachment(
          undefined,
          attachment,
          function (this: typeof self, a: number, b: number) {
            return [this.name, a + b, tracer.getCurrentSpan(), currentAttachment()];
          },
          self,
          [2, 3],
        );
        expect(result).toEqual(['receiver', 5, undefined, attachment]);
      });
    });

    it('tells span observers the span became current', () => {
      const { tracer } = tracerWithMemory();
      const activated: string[] = [];
      const remove = registerSpanObserver({ onActivate: (span) => activated.push(span.operationName) });
      try {
        runWithAttachment(tracer.startSpan('observed'), attachment, () => undefined);
      } finally {
        remove();
      }
      expect(activated).toEqual(['observed']);
    });
  });

  it('withSpan finishes on return, throw and rejection, recording the error', async () => {
    const { tracer, exporter } = tracerWithMemory();
    expect(tracer.withSpan('sync', () => 42)).toBe(42);
    expect(() =>
      tracer.withSpan('throws', () => {
        throw new Error('sync failure');
      }),
    ).toThrow('sync failure');
    await expect(
      tracer.withSpan('rejects', async () => {
        throw new RangeError('async failure');
      }),
    ).rejects.toThrow('async failure');
    await tracer.flush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.operationName)).toEqual(['sync', 'throws', 'rejects']);
    expect(spans.map((span) => span.status)).toEqual(['unset', 'error', 'error']);
    expect(spans[2]?.getTag('error.type')).toBe('RangeError');
  });

  it('`using` finishes a scoped span when the block exits', async () => {
    const { tracer, exporter } = tracerWithMemory();
    {
      using span = tracer.startSpan('scoped-work');
      span.setTag('inside', true);
    }
    await tracer.flush();
    expect(exporter.getFinishedSpans()[0]?.operationName).toBe('scoped-work');
  });
});

describe('SpanBuilder and global helpers', () => {
  it('builds with given ids, tags and baggage and generates the rest', () => {
    const { tracer } = tracerWithMemory();
    const built = new SpanBuilder(tracer)
      .withTraceId(TRACE_ID)
      .withParent(SPAN_ID)
      .withOperation('database_query')
      .withService('user-service')
      .withTag('db.type', 'postgresql')
      .withBaggage('tenant', 'acme-corp')
      .withKind('client')
      .build();
    if (!built.ok) throw built.error;
    const span = built.value;
    expect(span.traceId).toBe(TRACE_ID);
    expect(span.parentSpanId).toBe(SPAN_ID);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.serviceName).toBe('user-service');
    expect(span.kind).toBe('client');
    expect(span.getTag('db.type')).toBe('postgresql');
    expect(span.getBaggage('tenant')).toBe('acme-corp');
    // a parent given by id is taken as sampled, so the span is recorded
    expect(span.sampled).toBe(true);
    expect(span.isRecording()).toBe(true);
    const generated = new SpanBuilder(tracer).withOperation('x').build();
    expect(generated.ok && generated.value.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('says what is wrong instead of silently starting a new trace', () => {
    const { tracer } = tracerWithMemory();
    const noTrace = new SpanBuilder(tracer).withParent(SPAN_ID).withOperation('orphan').build();
    expect(noTrace.ok).toBe(false);
    expect(!noTrace.ok && noTrace.error.code).toBe('PARENT_WITHOUT_TRACE_ID');
    const badTrace = new SpanBuilder(tracer).withTraceId('not-hex').withOperation('x').build();
    expect(!badTrace.ok && badTrace.error.code).toBe('INVALID_TRACE_ID');
    const badSpan = new SpanBuilder(tracer).withSpanId('0000000000000000').build();
    expect(!badSpan.ok && badSpan.error.code).toBe('INVALID_SPAN_ID');
    const badParent = new SpanBuilder(tracer).withTraceId(TRACE_ID).withParent('xyz').build();
    expect(!badParent.ok && badParent.error.code).toBe('INVALID_PARENT_ID');
  });

  it('the start time is taken at build()', async () => {
    const { tracer } = tracerWithMemory();
    const builder = new SpanBuilder(tracer).withOperation('late');
    const before = Date.now() * 1000;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const built = builder.build();
    expect(built.ok && built.value.startTime).toBeGreaterThan(before + 3000);
  });

  it('traceSpan and traceChildSpan run on the global tracer', async () => {
    const { tracer, exporter } = tracerWithMemory();
    const previous = globalTracer();
    setGlobalTracer(tracer);
    try {
      traceSpan('process_request', (parent) => {
        traceChildSpan(parent, 'nested_work', (child) => expect(child.parentSpanId).toBe(parent.spanId));
      });
      await tracer.flush();
      expect(exporter.getFinishedSpans().map((span) => span.operationName)).toEqual(['nested_work', 'process_request']);
    } finally {
      setGlobalTracer(previous);
    }
  });
});
