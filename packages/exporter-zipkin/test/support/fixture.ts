// Real spans from a core Tracer covering every row of the mapping table, and what Zipkin should
// receive for each (written out by hand, not computed by the code under test). Ids, times and
// error stacks are fixed, so the encoders' output for it is the same everywhere: the golden
// payloads in ../golden are that output.
import { type Span, SpanBuilder, type SpanKind, type TagValue, TraceContext, Tracer } from '@trace/core';
import { type DecodedSpan, ipv6Text } from './idl';

const T0 = 1_700_000_000_000; // epoch ms

export interface Fixture {
  spans: Span[];
  /** Expected span per input span; `ipv6` as the JSON text (proto decoding expands it). */
  expected: DecodedSpan[];
}

interface Start {
  traceId?: string;
  spanId: string;
  parent?: Span | TraceContext;
  kind?: SpanKind;
  service?: string;
  startTime: number;
  tags?: Record<string, TagValue>;
}

/** Starts a span with fixed ids, so that the same fixture encodes to the same bytes every time. */
function start(tracer: Tracer, name: string, options: Start): Span {
  const builder = new SpanBuilder(tracer).withOperation(name).withSpanId(options.spanId).withStartTime(options.startTime);
  if (options.traceId !== undefined) builder.withTraceId(options.traceId);
  if (options.parent !== undefined) builder.withParent(options.parent);
  if (options.kind !== undefined) builder.withKind(options.kind);
  if (options.service !== undefined) builder.withService(options.service);
  for (const [key, value] of Object.entries(options.tags ?? {})) builder.withTag(key, value);
  const built = builder.build();
  if (!built.ok) throw built.error;
  return built.value;
}

/** An error whose stack is the same on every machine (exception events carry it). */
function fixedError(error: Error): Error {
  error.stack = `${error.name}: ${error.message}\n    at fixture (fixture.ts:1:1)`;
  return error;
}

export function buildFixture(): Fixture {
  const tracer = new Tracer({ serviceName: 'users' });
  const spans: Span[] = [];

  // 0: root server span with peer IPv4 tags, all tag value types, an event.
  const root = start(tracer, 'GET /users', {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
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
  const client = start(tracer, 'SELECT users', {
    spanId: '1f3a5c7e9b2d4f60',
    parent: root,
    startTime: T0 + 1.0002,
    tags: { 'span.kind': 'client', 'peer.service': 'postgres', 'server.address': '2001:DB8::C001', 'server.port': '5432' },
  });
  client.recordException(fixedError(new TypeError('connection reset')), T0 + 1.01);
  client.end(T0 + 1.0122);
  spans.push(client);

  // 2: internal span: no kind, a name and tags that need JSON escaping, a zero duration.
  const internal = start(tracer, 'say "hi" \\ ñ 😀\n', { spanId: '2a4c6e8012345678', parent: root, startTime: T0 + 2 });
  internal.setTag('note', 'tab\there\u0001 \ud800 lone');
  internal.setTag('unicode', 'Grüße 😀');
  internal.end(T0 + 2);
  spans.push(internal);

  // 3: shared server span: joins the caller's span id (B3 style).
  const caller = new TraceContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', isRemote: true });
  const shared = start(tracer, 'POST /orders', { spanId: caller.spanId, parent: caller, kind: 'server', startTime: T0 + 3 });
  shared.end(T0 + 4);
  spans.push(shared);

  // 4: debug producer span continuing a remote context; a host name as server.address.
  const debugContext = new TraceContext({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    debug: true,
    isRemote: true,
  });
  const producer = start(tracer, 'send orders', {
    spanId: '3b5d7f9102468ace',
    parent: debugContext,
    kind: 'producer',
    service: 'orders',
    startTime: T0 + 5,
    tags: { 'server.address': 'kafka.internal', 'server.port': 9092 },
  });
  producer.end(T0 + 6);
  spans.push(producer);

  // 5: consumer with an IPv4-mapped IPv6 peer address; error status without a message.
  const consumer = start(tracer, 'receive orders', {
    traceId: 'c0ffee00c0ffee00c0ffee00c0ffee01',
    spanId: '4c6e80a2c4e6f801',
    service: 'billing',
    kind: 'consumer',
    startTime: T0 + 7,
    tags: { 'network.peer.address': '::ffff:192.168.1.9', 'network.peer.port': 9092, error: 'queue closed' },
  });
  consumer.setStatus('error');
  consumer.end(T0 + 8);
  spans.push(consumer);

  // 6: error status, no message, no error tag; an invalid peer port and a garbage address.
  const broken = start(tracer, 'job', {
    traceId: 'd00dfeedd00dfeedd00dfeedd00dfeed',
    spanId: '5d7f91b3d5f7a912',
    service: 'worker',
    startTime: T0 + 9,
    tags: { 'net.peer.ip': 'not-an-ip', 'net.peer.port': 70000 },
  });
  broken.setStatus('error');
  broken.end(T0 + 9.5);
  spans.push(broken);

  const expected: DecodedSpan[] = [
    {
      traceId: '5b8efff798038103d269b633813fc60c',
      id: 'eee19b7ec3c1b174',
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
      traceId: '5b8efff798038103d269b633813fc60c',
      parentId: 'eee19b7ec3c1b174',
      id: '1f3a5c7e9b2d4f60',
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
      traceId: '5b8efff798038103d269b633813fc60c',
      parentId: 'eee19b7ec3c1b174',
      id: '2a4c6e8012345678',
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
      id: '3b5d7f9102468ace',
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
      traceId: 'c0ffee00c0ffee00c0ffee00c0ffee01',
      id: '4c6e80a2c4e6f801',
      kind: 'CONSUMER',
      name: 'receive orders',
      timestamp: 1_700_000_000_007_000,
      duration: 1000,
      localEndpoint: { serviceName: 'billing' },
      remoteEndpoint: { ipv4: '192.168.1.9', port: 9092 },
      tags: { 'network.peer.address': '::ffff:192.168.1.9', 'network.peer.port': '9092', error: 'queue closed', 'otel.status_code': 'ERROR' },
    },
    {
      traceId: 'd00dfeedd00dfeedd00dfeedd00dfeed',
      id: '5d7f91b3d5f7a912',
      name: 'job',
      timestamp: 1_700_000_000_009_000,
      duration: 500,
      localEndpoint: { serviceName: 'worker' },
      tags: { 'net.peer.ip': 'not-an-ip', 'net.peer.port': '70000', error: '', 'otel.status_code': 'ERROR' },
    },
  ];
  return { spans, expected };
}

/** What the protobuf form decodes to: IPv6 as full text, lone surrogates replaced by U+FFFD. */
export function protoExpectation(expected: DecodedSpan[]): DecodedSpan[] {
  return expected.map((span) => {
    const copy: DecodedSpan = structuredClone(span);
    if (copy.remoteEndpoint?.ipv6 !== undefined) copy.remoteEndpoint.ipv6 = expandIpv6(copy.remoteEndpoint.ipv6);
    if (copy.tags !== undefined)
      for (const key of Object.keys(copy.tags)) copy.tags[key] = (copy.tags[key] as unknown as { toWellFormed(): string }).toWellFormed();
    return copy;
  });
}

function expandIpv6(text: string): string {
  const [head = '', tail = ''] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = [...left, ...new Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes: number[] = [];
  for (const group of groups) bytes.push(Number.parseInt(group, 16) >> 8, Number.parseInt(group, 16) & 0xff);
  return ipv6Text(bytes);
}
