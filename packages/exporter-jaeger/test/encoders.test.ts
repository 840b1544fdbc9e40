// The two encoders, decoded with the official Jaeger schemas: every mapped field is asserted.
import { type Span, TraceContext, Tracer } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import { createJaegerProcess, encodeJaegerProtoPostSpans, encodeJaegerThriftBatch } from '@trace/exporter-jaeger';
import { bytesToHex, decodeThriftBatch, hexToSignedI64, loadJaegerProto } from './helpers/idl';
import { LINK_SPAN_ID, LINK_TRACE_ID, REMOTE_PARENT_ID, REMOTE_TRACE_ID, START_MS, type SpanFixture, makeSpans } from './helpers/spans';

// biome-ignore lint/suspicious/noExplicitAny: decoded test data is walked dynamically
type Decoded = any;

/** Thrift tags by key (a key appearing twice fails the test). */
function thriftTags(tags: Decoded[] | undefined): Record<string, Decoded> {
  const byKey: Record<string, Decoded> = {};
  for (const tag of tags ?? []) {
    expect(byKey[tag.key]).toBeUndefined();
    byKey[tag.key] = tag;
  }
  return byKey;
}

/** One span per status: ok (over a stale user status tag), error with a message, unset. */
function statusSpans(): Span[] {
  const tracer = new Tracer({ serviceName: 'svc' });
  const ok = tracer.startSpan('ok', { parent: null, tags: { 'otel.status_code': 'stale' } });
  ok.setStatus('ok');
  ok.end();
  const failed = tracer.startSpan('failed', { parent: null, tags: { 'otel.status_description': 'stale' } });
  failed.setStatus('error', 'disk full');
  failed.end();
  const unset = tracer.startSpan('unset', { parent: null });
  unset.end();
  return [ok, failed, unset];
}

describe('encodeJaegerThriftBatch, decoded with jaeger.thrift', () => {
  let spans: SpanFixture;
  beforeAll(async () => {
    spans = await makeSpans();
  });

  const process = () => createJaegerProcess({ hostname: 'host-a', resourceAttributes: { 'service.version': '1.2.3', 'deploy.canary': true } });

  it('encodes the process: service name from the spans, hostname, client version and resource attributes', () => {
    const batch = decodeThriftBatch(encodeJaegerThriftBatch([spans.server], process()));
    expect(batch.process.serviceName).toBe('checkout');
    const tags = thriftTags(batch.process.tags);
    expect(tags['hostname']).toMatchObject({ vType: 'STRING', vStr: 'host-a' });
    expect(tags['jaeger.version']).toMatchObject({ vType: 'STRING', vStr: 'trace-node-0.0.0' });
    expect(tags['service.version']).toMatchObject({ vType: 'STRING', vStr: '1.2.3' });
    expect(tags['deploy.canary']).toMatchObject({ vType: 'BOOL', vBool: true });
    expect(Object.keys(tags)).toHaveLength(4);
  });

  it('lets the process service name override the spans', () => {
    const batch = decodeThriftBatch(encodeJaegerThriftBatch([spans.server], createJaegerProcess({ serviceName: 'billing', hostname: 'h' })));
    expect(batch.process.serviceName).toBe('billing');
  });

  it('encodes ids as signed i64 halves, parent as parentSpanId and a CHILD_OF reference', () => {
    const batch = decodeThriftBatch(encodeJaegerThriftBatch([spans.server, spans.client, spans.root], process()));
    const [server, client, root] = batch.spans;
    expect(server.traceIdHigh).toBe(hexToSignedI64(REMOTE_TRACE_ID.slice(0, 16)));
    expect(server.traceIdLow).toBe(hexToSignedI64(REMOTE_TRACE_ID.slice(16)));
    expect(server.traceIdHigh < 0n).toBe(true);
    expect(server.spanId).toBe(hexToSignedI64(spans.server.spanId));
    expect(server.parentSpanId).toBe(hexToSignedI64(REMOTE_PARENT_ID));
    expect(server.references).toEqual([
      { refType: 'CHILD_OF', traceIdHigh: server.traceIdHigh, traceIdLow: server.traceIdLow, spanId: hexToSignedI64(REMOTE_PARENT_ID) },
    ]);

    expect(client.traceIdHigh).toBe(server.traceIdHigh);
    expect(client.traceIdLow).toBe(server.traceIdLow);
    expect(client.parentSpanId).toBe(server.spanId);
    expect(client.references).toEqual([
      { refType: 'CHILD_OF', traceIdHigh: server.traceIdHigh, traceIdLow: server.traceIdLow, spanId: server.spanId },
      {
        refType: 'FOLLOWS_FROM',
        traceIdHigh: hexToSignedI64(LINK_TRACE_ID.slice(0, 16)),
        traceIdLow: hexToSignedI64(LINK_TRACE_ID.slice(16)),
        spanId: -1n,
      },
    ]);

    expect(root.traceIdHigh).toBe(hexToSignedI64(spans.root.traceId.slice(0, 16)));
    expect(root.traceIdLow).toBe(hexToSignedI64(spans.root.traceId.slice(16)));
    expect(root.parentSpanId).toBe(0n);
    expect(root.references).toBeUndefined();
  });

  it('encodes operation name, flags, start and duration in µs', () => {
    const batch = decodeThriftBatch(encodeJaegerThriftBatch([spans.server, spans.client, spans.root], process()));
    const [server, client, root] = batch.spans;
    expect(server.operationName).toBe('GET /orders/:id');
    expect(client.operationName).toBe('SELECT orders');
    expect(server.flags).toBe(1);
    expect(server.startTime).toBe(BigInt(Math.round(START_MS * 1000)));
    expect(server.duration).toBe(10_000n);
    expect(client.startTime).toBe(BigInt(Math.round((START_MS + 2) * 1000)));
    expect(client.duration).toBe(2250n);
    expect(root.duration).toBe(1_000_000n);
  });

  it('encodes typed tags, span.kind and the error tags', () => {
    const batch = decodeThriftBatch(encodeJaegerThriftBatch([spans.server, spans.client, spans.root], process()));
    const server = thriftTags(batch.spans[0].tags);
    expect(server['http.method']).toEqual({ key: 'http.method', vType: 'STRING', vStr: 'GET' });
    expect(server['http.status_code']).toEqual({ key: 'http.status_code', vType: 'LONG', vLong: 200n });
    expect(server['cache.hit']).toEqual({ key: 'cache.hit', vType: 'BOOL', vBool: false });
    expect(server['ratio']).toEqual({ key: 'ratio', vType: 'DOUBLE', vDouble: 0.25 });
    expect(server['bytes.total']).toEqual({ key: 'bytes.total', vType: 'LONG', vLong: 2n ** 40n + 3n });
    expect(server['temperature.delta']).toEqual({ key: 'temperature.delta', vType: 'LONG', vLong: -7n });
    expect(server['not.safe']).toEqual({ key: 'not.safe', vType: 'DOUBLE', vDouble: 2 ** 60 });
    expect(server['http.route.parts']).toEqual({ key: 'http.route.parts', vType: 'STRING', vStr: '["orders",":id"]' });
    expect(server['weights']).toEqual({ key: 'weights', vType: 'STRING', vStr: '[1,2.5]' });
    expect(server['greeting']).toEqual({ key: 'greeting', vType: 'STRING', vStr: 'héllo ✓ 😀' });
    expect(server['span.kind']).toEqual({ key: 'span.kind', vType: 'STRING', vStr: 'server' });
    expect(server['error']).toBeUndefined();
    expect(Object.keys(server)).toHaveLength(11);

    const client = thriftTags(batch.spans[1].tags);
    expect(client['span.kind']).toMatchObject({ vType: 'STRING', vStr: 'client' });
    expect(client['error']).toEqual({ key: 'error', vType: 'BOOL', vBool: true });
    expect(client['error.message']).toEqual({ key: 'error.message', vType: 'STRING', vStr: 'connection reset' });
    expect(client['error.type']).toMatchObject({ vStr: 'TypeError' });
    expect(client['db.system']).toMatchObject({ vStr: 'postgresql' });

    // An internal span gets no span.kind tag.
    expect(thriftTags(batch.spans[2].tags)).toEqual({});
  });

  it('encodes events as logs: timestamp, the name as the event field, typed attributes', () => {
    const batch = decodeThriftBatch(encodeJaegerThriftBatch([spans.server, spans.client, spans.root], process()));
    expect(batch.spans[0].logs).toEqual([
      {
        timestamp: BigInt(Math.round((START_MS + 1.5) * 1000)),
        fields: [
          { key: 'event', vType: 'STRING', vStr: 'cache.miss' },
          { key: 'cache.key', vType: 'STRING', vStr: 'order:42' },
          { key: 'attempt', vType: 'LONG', vLong: 2n },
        ],
      },
    ]);
    const exception = batch.spans[1].logs[0];
    expect(exception.timestamp).toBe(BigInt(Math.round((START_MS + 3) * 1000)));
    const fields = thriftTags(exception.fields);
    expect(fields['event']).toMatchObject({ vStr: 'exception' });
    expect(fields['exception.type']).toMatchObject({ vStr: 'TypeError' });
    expect(fields['exception.message']).toMatchObject({ vStr: 'connection reset' });
    expect(batch.spans[2].logs).toBeUndefined();
  });

  it('keeps status message over an error.message tag and writes each derived tag once', async () => {
    const memory = new InMemoryExporter();
    const tracer = new Tracer({ serviceName: 's', exporters: [memory] });
    const span = tracer.startSpan('op', { parent: null, tags: { 'span.kind': 'PRODUCER', error: 'yes', 'error.message': 'old' } });
    span.setStatus('error', 'new message');
    span.end();
    await tracer.shutdown();
    const tags = thriftTags(decodeThriftBatch(encodeJaegerThriftBatch([span])).spans[0].tags);
    expect(tags['span.kind']).toMatchObject({ vStr: 'producer' });
    expect(tags['error']).toMatchObject({ vType: 'BOOL', vBool: true });
    expect(tags['error.message']).toMatchObject({ vStr: 'new message' });
  });

  it('grows its buffer for a large batch and reuses it for the next', async () => {
    const memory = new InMemoryExporter();
    const tracer = new Tracer({ serviceName: 'bulk', exporters: [memory], exportSettings: { maxQueueSize: 4096, batchSize: 512 } });
    const big = 'x'.repeat(2000);
    const many: Span[] = [];
    for (let i = 0; i < 600; i++) {
      const span = tracer.startSpan(`op-${i}`, { parent: null, tags: { payload: big, index: i } });
      span.end();
      many.push(span);
    }
    await tracer.shutdown();
    const first = decodeThriftBatch(encodeJaegerThriftBatch(many));
    expect(first.spans).toHaveLength(600);
    expect(first.spans[599].operationName).toBe('op-599');
    expect(thriftTags(first.spans[599].tags)['index']).toMatchObject({ vLong: 599n });
    expect(thriftTags(first.spans[0].tags)['payload'].vStr).toHaveLength(2000);
    const second = decodeThriftBatch(encodeJaegerThriftBatch(many.slice(0, 1)));
    expect(second.spans).toHaveLength(1);
    expect(second.spans[0].spanId).toBe(hexToSignedI64(many[0]!.spanId));
  });
  it('reports ok and error statuses as otel.status_code, the description as otel.status_description', () => {
    const batch = decodeThriftBatch(encodeJaegerThriftBatch(statusSpans()));
    const [ok, failed, unset] = batch.spans.map((span: Decoded) => thriftTags(span.tags));
    expect(ok).toEqual({ 'otel.status_code': { key: 'otel.status_code', vType: 'STRING', vStr: 'OK' } });
    expect(failed['otel.status_code']).toMatchObject({ vType: 'STRING', vStr: 'ERROR' });
    expect(failed['otel.status_description']).toMatchObject({ vType: 'STRING', vStr: 'disk full' });
    expect(failed['error']).toMatchObject({ vType: 'BOOL', vBool: true });
    expect(unset).toEqual({});
  });
});

describe('encodeJaegerProtoPostSpans, decoded with model.proto + collector.proto', () => {
  let spans: SpanFixture;
  // biome-ignore lint/suspicious/noExplicitAny: protobufjs message type
  let PostSpansRequest: any;
  beforeAll(async () => {
    spans = await makeSpans();
    PostSpansRequest = loadJaegerProto().lookupType('jaeger.api_v2.PostSpansRequest');
  });

  function decode(bytes: Uint8Array): Decoded {
    const message = PostSpansRequest.decode(bytes);
    return PostSpansRequest.toObject(message, { longs: String, enums: String, bytes: Array, defaults: true });
  }

  function protoTags(tags: Decoded[]): Record<string, Decoded> {
    const byKey: Record<string, Decoded> = {};
    for (const tag of tags) {
      expect(byKey[tag.key]).toBeUndefined();
      byKey[tag.key] = tag;
    }
    return byKey;
  }

  const hex = (bytes: number[]) => bytesToHex(Uint8Array.from(bytes));

  it('encodes the batch process with service name and process tags', () => {
    const request = decode(encodeJaegerProtoPostSpans([spans.server], createJaegerProcess({ hostname: 'host-b', resourceAttributes: { 'k8s.pod': 'p-1' } })));
    expect(request.batch.process.serviceName).toBe('checkout');
    const tags = protoTags(request.batch.process.tags);
    expect(tags['hostname']).toMatchObject({ vType: 'STRING', vStr: 'host-b' });
    expect(tags['jaeger.version']).toMatchObject({ vType: 'STRING', vStr: 'trace-node-0.0.0' });
    expect(tags['k8s.pod']).toMatchObject({ vType: 'STRING', vStr: 'p-1' });
    expect(request.batch.spans[0].process).toBeNull();
  });

  it('encodes 16/8-byte ids, CHILD_OF and FOLLOWS_FROM references', () => {
    const request = decode(encodeJaegerProtoPostSpans([spans.server, spans.client, spans.root]));
    const [server, client, root] = request.batch.spans;
    expect(hex(server.traceId)).toBe(REMOTE_TRACE_ID);
    expect(server.traceId).toHaveLength(16);
    expect(hex(server.spanId)).toBe(spans.server.spanId);
    expect(server.spanId).toHaveLength(8);
    expect(server.references.map((r: Decoded) => [r.refType, hex(r.traceId), hex(r.spanId)])).toEqual([['CHILD_OF', REMOTE_TRACE_ID, REMOTE_PARENT_ID]]);
    expect(client.references.map((r: Decoded) => [r.refType, hex(r.traceId), hex(r.spanId)])).toEqual([
      ['CHILD_OF', REMOTE_TRACE_ID, spans.server.spanId],
      ['FOLLOWS_FROM', LINK_TRACE_ID, LINK_SPAN_ID],
    ]);
    expect(hex(root.traceId)).toBe(spans.root.traceId);
    expect(root.references).toEqual([]);
  });

  it('encodes operation name, flags, Timestamp start and Duration', () => {
    const request = decode(encodeJaegerProtoPostSpans([spans.server, spans.client]));
    const [server, client] = request.batch.spans;
    expect(server.operationName).toBe('GET /orders/:id');
    expect(server.flags).toBe(1);
    const startMicros = START_MS * 1000;
    const seconds = Math.floor(startMicros / 1e6);
    expect(server.startTime).toEqual({ seconds: String(seconds), nanos: Math.round((startMicros - seconds * 1e6) * 1000) });
    expect(server.startTime.nanos).toBeGreaterThan(0);
    expect(server.duration).toEqual({ seconds: '0', nanos: 10_000_000 });
    expect(client.duration).toEqual({ seconds: '0', nanos: 2_250_000 });
  });

  it('encodes typed tags, span.kind, error tags and logs', () => {
    const request = decode(encodeJaegerProtoPostSpans([spans.server, spans.client]));
    const server = protoTags(request.batch.spans[0].tags);
    expect(server['http.method']).toMatchObject({ vType: 'STRING', vStr: 'GET' });
    expect(server['http.status_code']).toMatchObject({ vType: 'INT64', vInt64: '200' });
    expect(server['cache.hit']).toMatchObject({ vType: 'BOOL', vBool: false });
    expect(server['ratio']).toMatchObject({ vType: 'FLOAT64', vFloat64: 0.25 });
    expect(server['bytes.total']).toMatchObject({ vType: 'INT64', vInt64: String(2 ** 40 + 3) });
    expect(server['temperature.delta']).toMatchObject({ vType: 'INT64', vInt64: '-7' });
    expect(server['not.safe']).toMatchObject({ vType: 'FLOAT64', vFloat64: 2 ** 60 });
    expect(server['http.route.parts']).toMatchObject({ vType: 'STRING', vStr: '["orders",":id"]' });
    expect(server['greeting']).toMatchObject({ vType: 'STRING', vStr: 'héllo ✓ 😀' });
    expect(server['span.kind']).toMatchObject({ vType: 'STRING', vStr: 'server' });
    expect(Object.keys(server)).toHaveLength(11);

    const client = protoTags(request.batch.spans[1].tags);
    expect(client['span.kind']).toMatchObject({ vStr: 'client' });
    expect(client['error']).toMatchObject({ vType: 'BOOL', vBool: true });
    expect(client['error.message']).toMatchObject({ vType: 'STRING', vStr: 'connection reset' });

    const [log] = request.batch.spans[0].logs;
    const logMicros = (START_MS + 1.5) * 1000;
    const logSeconds = Math.floor(logMicros / 1e6);
    expect(log.timestamp).toEqual({ seconds: String(logSeconds), nanos: Math.round((logMicros - logSeconds * 1e6) * 1000) });
    expect(log.fields.map((f: Decoded) => [f.key, f.vType, f.vStr, f.vInt64])).toEqual([
      ['event', 'STRING', 'cache.miss', '0'],
      ['cache.key', 'STRING', 'order:42', '0'],
      ['attempt', 'INT64', '', '2'],
    ]);
  });

  it('gives spans of another service their own process unless the service name is overridden', async () => {
    const other = await makeSpans('inventory');
    const mixed = decode(encodeJaegerProtoPostSpans([spans.server, other.server], createJaegerProcess({ hostname: 'h' })));
    expect(mixed.batch.process.serviceName).toBe('checkout');
    expect(mixed.batch.spans[0].process).toBeNull();
    expect(mixed.batch.spans[1].process.serviceName).toBe('inventory');
    expect(protoTags(mixed.batch.spans[1].process.tags)['hostname']).toMatchObject({ vStr: 'h' });

    const overridden = decode(encodeJaegerProtoPostSpans([spans.server, other.server], createJaegerProcess({ serviceName: 'edge', hostname: 'h' })));
    expect(overridden.batch.process.serviceName).toBe('edge');
    expect(overridden.batch.spans[1].process).toBeNull();
  });

  it('encodes a link context of a span made from a TraceContext', () => {
    const memory = new InMemoryExporter();
    const tracer = new Tracer({ exporters: [memory] });
    const span = tracer.startSpan('linked', { parent: null, links: [new TraceContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) })] });
    span.end();
    const request = decode(encodeJaegerProtoPostSpans([span]));
    expect(request.batch.spans[0].references.map((r: Decoded) => [r.refType, hex(r.traceId), hex(r.spanId)])).toEqual([
      ['FOLLOWS_FROM', 'a'.repeat(32), 'b'.repeat(16)],
    ]);
    void tracer.shutdown();
  });
  it('reports ok and error statuses as otel.status_code, the description as otel.status_description', () => {
    const request = decode(encodeJaegerProtoPostSpans(statusSpans()));
    const [ok, failed, unset] = request.batch.spans.map((span: Decoded) => protoTags(span.tags));
    expect(Object.keys(ok)).toEqual(['otel.status_code']);
    expect(ok['otel.status_code']).toMatchObject({ vType: 'STRING', vStr: 'OK' });
    expect(failed['otel.status_code']).toMatchObject({ vType: 'STRING', vStr: 'ERROR' });
    expect(failed['otel.status_description']).toMatchObject({ vType: 'STRING', vStr: 'disk full' });
    expect(failed['error']).toMatchObject({ vType: 'BOOL', vBool: true });
    expect(unset).toEqual({});
  });
});
