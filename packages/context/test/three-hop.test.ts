// A → B → C over real node:http servers on 127.0.0.1, once per propagator configuration: one
// trace id end to end, each hop's parent is the caller's span, and baggage arrives at C.
import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Propagator, Tracer } from '@trace/core';
import { RequestContext, createPropagatorFromNames, nodeIncomingHeadersCarrierAdapter, nodeOutgoingMessageCarrierAdapter } from '../src/index.js';

interface HopReport {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  baggage: Record<string, string>;
  requestContextTraceId: string;
  downstream?: HopReport;
  downstreamCallerSpanId?: string;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function get(port: number, prepare: (req: ReturnType<typeof request>) => void): Promise<HopReport> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as HopReport);
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    prepare(req);
    req.end();
  });
}

const CONFIGURATIONS = ['tracecontext,baggage', 'b3,baggage', 'b3multi,baggage', 'jaeger', 'tracecontext,baggage,b3,b3multi,jaeger', 'b3multi,jaeger'];

describe.each(CONFIGURATIONS)('three hops with OTEL_PROPAGATORS=%s', (names) => {
  let propagator: Propagator;
  const servers: Server[] = [];

  beforeAll(() => {
    const result = createPropagatorFromNames(names);
    if (!result.ok) throw result.error;
    propagator = result.value;
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  it('keeps one trace, links each hop to its caller and delivers baggage', async () => {
    const tracerA = new Tracer({ serviceName: 'a', propagator });
    const tracerB = new Tracer({ serviceName: 'b', propagator });
    const tracerC = new Tracer({ serviceName: 'c', propagator });

    const serviceC = createServer((req, res) => {
      const extracted = tracerC.extractContextFromCarrier(req.headers, nodeIncomingHeadersCarrierAdapter);
      if (!extracted.ok) {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: extracted.error.code }));
        return;
      }
      RequestContext.run({ requestId: 'c' }, () => {
        const span = tracerC.startSpanFromContext(extracted.value, 'handle', { kind: 'server' });
        const report: HopReport = {
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId,
          baggage: extracted.value.baggage.toRecord(),
          requestContextTraceId: RequestContext.current()?.traceId ?? '',
        };
        span.end();
        res.end(JSON.stringify(report));
      });
    });
    servers.push(serviceC);
    const portC = await listen(serviceC);

    const serviceB = createServer((req, res) => {
      const extracted = tracerB.extractContextFromCarrier(req.headers, nodeIncomingHeadersCarrierAdapter);
      if (!extracted.ok) {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: extracted.error.code }));
        return;
      }
      RequestContext.run({ requestId: 'b' }, async () => {
        const server = tracerB.startSpanFromContext(extracted.value, 'process', { kind: 'server' });
        const client = tracerB.startChildSpan(server, 'call-c', { kind: 'client' });
        const downstream = await get(portC, (outgoing) => tracerB.injectContext(client, outgoing, nodeOutgoingMessageCarrierAdapter));
        client.end();
        server.end();
        const report: HopReport = {
          traceId: server.traceId,
          spanId: server.spanId,
          parentSpanId: server.parentSpanId,
          baggage: extracted.value.baggage.toRecord(),
          requestContextTraceId: RequestContext.current()?.traceId ?? '',
          downstream,
          downstreamCallerSpanId: client.spanId,
        };
        res.end(JSON.stringify(report));
      });
    });
    servers.push(serviceB);
    const portB = await listen(serviceB);

    const root = tracerA.startSpan('checkout', 'a', { kind: 'client' });
    root.setBaggage('user_id', '12345');
    root.setBaggage('note', 'a b,c');
    const headers: Record<string, string> = {};
    tracerA.injectContext(root, headers);
    const hopB = await get(portB, (outgoing) => {
      for (const name in headers) outgoing.setHeader(name, headers[name] as string);
    });
    root.end();

    expect(hopB.traceId).toBe(root.traceId);
    expect(hopB.parentSpanId).toBe(root.spanId);
    expect(hopB.baggage).toEqual({ user_id: '12345', note: 'a b,c' });
    expect(hopB.requestContextTraceId).toBe(root.traceId);

    const hopC = hopB.downstream as HopReport;
    expect(hopC.traceId).toBe(root.traceId);
    expect(hopC.parentSpanId).toBe(hopB.downstreamCallerSpanId);
    expect(hopC.parentSpanId).not.toBe(hopB.spanId);
    expect(hopC.baggage).toEqual({ user_id: '12345', note: 'a b,c' });
    expect(hopC.requestContextTraceId).toBe(root.traceId);
  });
});
