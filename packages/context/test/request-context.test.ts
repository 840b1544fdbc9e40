import { EventEmitter } from 'node:events';
import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Tracer } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import { REQUEST_CONTEXT_MAX_TAGS, RequestContext, type RequestContextSnapshot, nodeIncomingHeadersCarrierAdapter } from '../src/index.js';

describe('RequestContext basics', () => {
  it('is absent outside a context', () => {
    expect(RequestContext.hasContext()).toBe(false);
    expect(RequestContext.current()).toBeUndefined();
    expect(RequestContext.capture()).toBeUndefined();
    expect(RequestContext.addTag('a', 'b')).toBe(false);
    const trace = RequestContext.traceContext();
    expect(!trace.ok && trace.error.code).toBe('NO_REQUEST_CONTEXT');
  });

  it('create / current / addTag / clear, as the seed shows', async () => {
    await new Promise<void>((resolve) => {
      // A fresh async context, so enterWith cannot leak into other tests.
      setImmediate(() => {
        const ctx = RequestContext.create('req-12345');
        ctx.correlationId = RequestContext.generateCorrelationId();
        expect(RequestContext.addTag('service', 'order-service')).toBe(true);
        expect(RequestContext.hasContext()).toBe(true);
        const current = RequestContext.current();
        expect(current?.requestId).toBe('req-12345');
        expect(current?.correlationId).toMatch(/^[0-9a-f]{32}$/);
        expect(current?.tags.service).toBe('order-service');
        RequestContext.clear();
        expect(RequestContext.hasContext()).toBe(false);
        resolve();
      });
    });
    expect(RequestContext.hasContext()).toBe(false);
  });

  it('generates distinct correlation ids', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) ids.add(RequestContext.generateCorrelationId());
    expect(ids.size).toBe(1000);
  });

  it('follows await, timers, promise chains and queueMicrotask, and ends with run', async () => {
    const seen: string[] = [];
    await RequestContext.run({ requestId: 'r1' }, async () => {
      await nextTurn();
      seen.push(RequestContext.current()?.requestId ?? 'none');
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          seen.push(RequestContext.current()?.requestId ?? 'none');
          resolve();
        }, 1),
      );
      await Promise.resolve()
        .then(() => seen.push(RequestContext.current()?.requestId ?? 'none'))
        .then(() => new Promise<void>((resolve) => queueMicrotask(resolve)));
      seen.push(RequestContext.current()?.requestId ?? 'none');
    });
    expect(seen).toEqual(['r1', 'r1', 'r1', 'r1']);
    expect(RequestContext.hasContext()).toBe(false);
  });

  it('runs EventEmitter listeners bound with bind() in the binding context, unbound ones in the emitter’s', () => {
    const emitter = new EventEmitter();
    const seen: string[] = [];
    RequestContext.run({ requestId: 'listener-owner' }, () => {
      emitter.on(
        'data',
        RequestContext.bind(() => seen.push(RequestContext.current()?.requestId ?? 'none')),
      );
      emitter.on('data', () => seen.push(RequestContext.current()?.requestId ?? 'none'));
    });
    RequestContext.run({ requestId: 'emitter' }, () => emitter.emit('data'));
    emitter.emit('data');
    expect(seen).toEqual(['listener-owner', 'emitter', 'listener-owner', 'none']);
  });

  it('copies init values, validates ids and bounds tags', () => {
    const tags: Record<string, string> = { a: '1' };
    const init = { requestId: 'x', traceId: 'not-hex', spanId: '00f067aa0ba902b7', tags };
    RequestContext.run(init, () => {
      const ctx = RequestContext.current();
      expect(ctx?.traceId).toBe('');
      expect(ctx?.spanId).toBe('00f067aa0ba902b7');
      RequestContext.addTag('b', '2');
      expect(tags).toEqual({ a: '1' }); // the caller's object is never shared
      expect(RequestContext.addTag('__proto__', 'x')).toBe(false);
      for (let i = 0; i < REQUEST_CONTEXT_MAX_TAGS + 10; i++) RequestContext.addTag(`k${i}`, 'v');
      let count = 0;
      for (const _ in ctx?.tags) count++;
      expect(count).toBe(REQUEST_CONTEXT_MAX_TAGS);
      expect(RequestContext.addTag('a', 'replaced')).toBe(true); // an existing key may change
    });
  });

  it('ids set by hand without flags continue the trace sampled, so a child started from them is exported', async () => {
    const exporter = new InMemoryExporter();
    const tracer = new Tracer({ exporters: [exporter] });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    RequestContext.run({ traceId, spanId: '00f067aa0ba902b7' }, () => {
      expect(RequestContext.current()?.traceFlags).toBe(1);
      const parent = RequestContext.traceContext();
      if (!parent.ok) throw parent.error;
      tracer.startSpanFromContext(parent.value, 'in-worker').end();
    });
    // flags given by hand are kept as given
    RequestContext.run({ traceId, spanId: '00f067aa0ba902b7', traceFlags: 0 }, () => expect(RequestContext.current()?.traceFlags).toBe(0));
    await tracer.flush();
    expect(exporter.getFinishedSpans().map((span) => [span.operationName, span.traceId, span.parentSpanId])).toEqual([
      ['in-worker', traceId, '00f067aa0ba902b7'],
    ]);
    await tracer.shutdown();
  });
});

describe('RequestContext kept in step with tracing', () => {
  it('a span started or made current inside a request fills traceId and spanId; logs can correlate', async () => {
    const tracer = new Tracer({ serviceName: 'orders' });
    const logs: string[] = [];
    const log = (message: string) => {
      const ctx = RequestContext.current();
      logs.push(`${message} trace_id=${ctx?.traceId} span_id=${ctx?.spanId} correlation=${ctx?.correlationId}`);
    };
    let outer = '';
    let inner = '';
    await RequestContext.run({ requestId: 'r', correlationId: 'corr-1' }, async () => {
      await tracer.withSpan('handle', async (span) => {
        outer = span.spanId;
        log('start');
        await tracer.withSpan('db', async (child) => {
          inner = child.spanId;
          await nextTurn();
          log('query');
        });
      });
    });
    const span = tracer.startSpan('outside');
    expect(RequestContext.current()).toBeUndefined();
    span.end();
    expect(logs[0]).toMatch(new RegExp(`^start trace_id=[0-9a-f]{32} span_id=${outer} correlation=corr-1$`));
    expect(logs[1]).toContain(`span_id=${inner}`);
    expect(logs[0]?.slice(0, 50)).toBe(logs[1]?.replace('query', 'start').slice(0, 50));
  });

  it('starting a request context inside a current span takes its ids', () => {
    const tracer = new Tracer();
    tracer.withSpan('outer', (span) => {
      RequestContext.run({ requestId: 'r' }, () => {
        expect(RequestContext.current()?.traceId).toBe(span.traceId);
        expect(RequestContext.current()?.spanId).toBe(span.spanId);
        const trace = RequestContext.traceContext();
        expect(trace.ok && trace.value.spanId).toBe(span.spanId);
      });
    });
  });

  it('capture gives a structured-clone-safe value that copyFrom restores', async () => {
    let snapshot: RequestContextSnapshot | undefined;
    RequestContext.run({ requestId: 'r', correlationId: 'c', tags: { user: 'u' } }, () => {
      snapshot = RequestContext.capture();
    });
    const cloned = structuredClone(snapshot) as RequestContextSnapshot;
    expect(cloned).toEqual(snapshot);
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        const restored = RequestContext.copyFrom(cloned);
        expect(restored.requestId).toBe('r');
        expect(restored.tags.user).toBe('u');
        expect(RequestContext.current()).toBe(restored);
        RequestContext.clear();
        resolve();
      }),
    );
  });
});

describe('1,000 concurrent requests on one server', () => {
  let server: Server;

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('never mix contexts', async () => {
    const tracer = new Tracer({ serviceName: 'server' });
    server = createServer((req, res) => {
      const requestId = String(req.headers['x-request-id']);
      const extracted = tracer.extractContextFromCarrier(req.headers, nodeIncomingHeadersCarrierAdapter);
      RequestContext.run({ requestId, correlationId: RequestContext.generateCorrelationId() }, () => {
        RequestContext.addTag('request', requestId);
        const span = extracted.ok ? tracer.startSpanFromContext(extracted.value, 'handle') : tracer.startSpan('handle');
        tracer.runWithSpan(span, async () => {
          // Interleave with other requests: a timer, a promise hop, an immediate.
          await new Promise((resolve) => setTimeout(resolve, Number(requestId) % 7));
          await Promise.resolve();
          await nextTurn();
          const ctx = RequestContext.current();
          span.end();
          res.end(JSON.stringify({ requestId: ctx?.requestId, tag: ctx?.tags.request, traceId: ctx?.traceId, spanId: ctx?.spanId, own: span.spanId }));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, () => resolve()));
    const port = (server.address() as AddressInfo).port;

    const client = new Tracer({ serviceName: 'client' });
    const calls: Promise<{ sent: string; traceId: string; body: Record<string, string> }>[] = [];
    for (let i = 0; i < 1000; i++) {
      const root = client.startSpan(`call-${i}`);
      const headers: Record<string, string> = { 'x-request-id': String(i) };
      client.injectContext(root, headers);
      root.end();
      calls.push(
        new Promise((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/', headers, agent: false }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => {
              body += chunk.toString('utf8');
            });
            res.on('end', () => resolve({ sent: String(i), traceId: root.traceId, body: JSON.parse(body) as Record<string, string> }));
          });
          req.on('error', reject);
          req.end();
        }),
      );
    }
    const results = await Promise.all(calls);
    let mixed = 0;
    for (const { sent, traceId, body } of results) {
      if (body.requestId !== sent || body.tag !== sent || body.traceId !== traceId || body.spanId !== body.own) mixed++;
    }
    expect(results).toHaveLength(1000);
    expect(mixed).toBe(0);
  });
});
