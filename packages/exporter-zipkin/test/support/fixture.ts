// Real spans from a core Tracer covering every row of the mapping table, and what Zipkin should
// receive for each (written out by hand, not computed by the code under test).
import { type Span, SpanBuilder, TraceContext, Tracer } from '@trace/core';
import type { DecodedSpan } from './idl';

const T0 = 1_700_000_000_000; // epoch ms

export interface Fixture {
  spans: Span[];
  /** Expected span per input span; `ipv6` as the JSON text (proto decoding expands it). */
  expected: DecodedSpan[];
}

export function buildFixture(): Fixture {
  const tracer = new Tracer({ serviceName: 'users' });
  const spans: Span[] = [];

  // 0: root server span with peer IPv4 tags, all tag value types, an event.
  const root = tracer.startSpan('GET /users', {
    parent: null,
    kind: 'server',
    startTime: T0 + 0.25,
    tags: {
      'span.kind': 'server',
      'http.method': 'GET',
      'http.status_code': 200,
      ratio: 0.5,
      'cache.hit': true,
      'user.roles': ['admin', 'ops "x"'],
      'retry.delays': [1, 2.5],
      'feature.flags': [true, false],
      'net.peer.ip': '10.0.0.7',
      'net.peer.port': 51234,
    },
  });
  root.addEvent('cache miss', { key: 'u1' }, T0 + 1.5);
  root.setStatus('ok');
  root.end(T0 + 10.25);
  spans.push(root);

  // 1: client child, kind from the span.kind tag, peer.service + IPv6 server.address, an exception.
  const client = tracer.startChildSpan(root, 'SELECT users', {
    startTime: T0 + 1.0002,
    tags: { 'span.kind': 'client', 'peer.service': 'postgres', 'server.address': '2001:DB8::C001', 'server.port': '5432' },
  });
  client.recordException(new TypeError('connection reset'), T0 + 1.01);
  client.end(T0 + 1.0122);
  spans.push(client);

  // 2: internal span: no kind, a name and tags that need JSON escaping, a zero duration.
  const internal = tracer.startChildSpan(root, 'say "hi" \\ ñ 😀\n', { startTime: T0 + 2 });
  internal.setTag('note', 'tab\there\u0001 \ud800 lone');
  internal.setTag('unicode', 'Grüße 😀');
  internal.end(T0 + 2);
  spans.push(internal);

  // 3: shared server span: joins the caller's span id (B3 style).
  const caller = new TraceContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', isRemote: true });
  const built = new SpanBuilder(tracer)
    .withOperation('POST /orders')
    .withParent(caller)
    .withSpanId(caller.spanId)
    .withKind('server')
    .withStartTime(T0 + 3)
    .build();
  if (!built.ok) throw built.error;
  const shared = built.value;
  shared.end(T0 + 4);
  spans.push(shared);

  // 4: debug producer span continuing a remote context; a host name as server.address.
  const debugContext = new TraceContext({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    debug: true,
    isRemote: true,
  });
  const producer = tracer.startSpanFromContext(debugContext, 'send orders', {
    kind: 'producer',
    serviceName: 'orders',
    startTime: T0 + 5,
    tags: { 'server.address': 'kafka.internal', 'server.port': 9092 },
  });
  producer.end(T0 + 6);
  spans.push(producer);

  // 5: consumer with an IPv4-mapped IPv6 peer address; error status without a message.
  const consumer = tracer.startSpan('receive orders', {
    serviceName: 'billing',
    parent: null,
    kind: 'consumer',
    startTime: T0 + 7,
    tags: { 'network.peer.address': '::ffff:192.168.1.9', 'network.peer.port': 9092, error: 'queue closed' },
  });
  consumer.setStatus('error');
  consumer.end(T0 + 8);
  spans.push(consumer);

  // 6: error status, no message, no error tag; an invalid peer port and a garbage address.
  const broken = tracer.startSpan('job', {
    serviceName: 'worker',
    parent: null,
    startTime: T0 + 9,
    tags: { 'net.peer.ip': 'not-an-ip', 'net.peer.port': 70000 },
  });
  broken.setStatus('error');
  broken.end(T0 + 9.5);
  spans.push(broken);

  const expected: DecodedSpan[] = [
    {
      traceId: root.traceId,
      id: root.spanId,
      kind: 'SERVER',
      name: 'GET /users',
      timestamp: 1_700_000_000_000_250,
      duration: 10_000,
      localEndpoint: { serviceName: 'users' },
      remoteEndpoint: { ipv4: '10.0.0.7', port: 51234 },
      annotations: [{ timestamp: 1_700_000_000_001_500, value: 'cache miss' }],
      tags: {
        'http.method': 'GET',
        'http.status_code': '200',
        ratio: '0.5',
        'cache.hit': 'true',
        'user.roles': '["admin","ops \\"x\\""]',
        'retry.delays': '[1,2.5]',
        'feature.flags': '[true,false]',
        'net.peer.ip': '10.0.0.7',
        'net.peer.port': '51234',
        'otel.status_code': 'OK',
      },
    },
    {
      traceId: root.traceId,
      parentId: root.spanId,
      id: client.spanId,
      kind: 'CLIENT',
      name: 'SELECT users',
      timestamp: 1_700_000_000_001_000,
      duration: 12,
      localEndpoint: { serviceName: 'users' },
      remoteEndpoint: { serviceName: 'postgres', ipv6: '2001:db8::c001', port: 5432 },
      annotations: [{ timestamp: 1_700_000_000_001_010, value: 'exception' }],
      tags: {
        'peer.service': 'postgres',
        'server.address': '2001:DB8::C001',
        'server.port': '5432',
        'error.message': 'connection reset',
        'error.type': 'TypeError',
        error: 'connection reset',
        'otel.status_code': 'ERROR',
      },
    },
    {
      traceId: root.traceId,
      parentId: root.spanId,
      id: internal.spanId,
      name: 'say "hi" \\ ñ 😀\n',
      timestamp: 1_700_000_000_002_000,
      duration: 1,
      localEndpoint: { serviceName: 'users' },
      tags: { note: 'tab\there\u0001 \ud800 lone', unicode: 'Grüße 😀' },
    },
    {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      id: '00f067aa0ba902b7',
      kind: 'SERVER',
      name: 'POST /orders',
      timestamp: 1_700_000_000_003_000,
      duration: 1000,
      localEndpoint: { serviceName: 'users' },
      shared: true,
    },
    {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      parentId: 'b7ad6b7169203331',
      id: producer.spanId,
      kind: 'PRODUCER',
      name: 'send orders',
      timestamp: 1_700_000_000_005_000,
      duration: 1000,
      localEndpoint: { serviceName: 'orders' },
      remoteEndpoint: { serviceName: 'kafka.internal', port: 9092 },
      tags: { 'server.address': 'kafka.internal', 'server.port': '9092' },
      debug: true,
    },
    {
      traceId: consumer.traceId,
      id: consumer.spanId,
      kind: 'CONSUMER',
      name: 'receive orders',
      timestamp: 1_700_000_000_007_000,
      duration: 1000,
      localEndpoint: { serviceName: 'billing' },
      remoteEndpoint: { ipv4: '192.168.1.9', port: 9092 },
      tags: { 'network.peer.address': '::ffff:192.168.1.9', 'network.peer.port': '9092', error: 'queue closed', 'otel.status_code': 'ERROR' },
    },
    {
      traceId: broken.traceId,
      id: broken.spanId,
      name: 'job',
      timestamp: 1_700_000_000_009_000,
      duration: 500,
      localEndpoint: { serviceName: 'worker' },
      tags: { 'net.peer.ip': 'not-an-ip', 'net.peer.port': '70000', error: '', 'otel.status_code': 'ERROR' },
    },
  ];
  return { spans, expected };
}
