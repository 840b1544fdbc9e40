// jaeger_grpc against a real @grpc/grpc-js server implementing jaeger.api_v2.CollectorService,
// whose request type is loaded from the official model.proto + collector.proto.
import { inspect } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { type GrpcTransport, Tracer } from '@trace/core';
import { JaegerExporter } from '@trace/exporter-jaeger';
import { createDefaultGrpcTransport } from '@trace/transport-grpc';
import type protobuf from 'protobufjs';
import { bytesToHex, loadJaegerProto } from './helpers/idl';
import { LINK_SPAN_ID, LINK_TRACE_ID, REMOTE_PARENT_ID, REMOTE_TRACE_ID, START_MS, type SpanFixture, makeSpans } from './helpers/spans';

// biome-ignore lint/suspicious/noExplicitAny: decoded test data is walked dynamically
type Decoded = any;

interface Call {
  request: Decoded;
  metadata: Record<string, unknown>;
}

interface Collector {
  port: number;
  calls: Call[];
  /** gRPC status for the n-th call (0 = OK); the last entry repeats. */
  statuses: grpc.status[];
  close(): Promise<void>;
}

async function startCollector(root: protobuf.Root, statuses: grpc.status[] = [grpc.status.OK]): Promise<Collector> {
  const PostSpansRequest = root.lookupType('jaeger.api_v2.PostSpansRequest');
  const PostSpansResponse = root.lookupType('jaeger.api_v2.PostSpansResponse');
  const service = root.lookupService('jaeger.api_v2.CollectorService');
  const method = service.methods['PostSpans'] as protobuf.Method;
  const calls: Call[] = [];
  const server = new grpc.Server();
  const definition: grpc.ServiceDefinition = {
    PostSpans: {
      path: `/jaeger.api_v2.${service.name}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Decoded) => Buffer.from(PostSpansRequest.encode(value).finish()),
      requestDeserialize: (bytes: Buffer) =>
        PostSpansRequest.toObject(PostSpansRequest.decode(bytes), { longs: String, enums: String, bytes: Array, defaults: true }),
      responseSerialize: (value: Decoded) => Buffer.from(PostSpansResponse.encode(value).finish()),
      responseDeserialize: (bytes: Buffer) => PostSpansResponse.decode(bytes),
    },
  };
  const collector: Collector = {
    port: 0,
    calls,
    statuses,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
  server.addService(definition, {
    PostSpans: (call: grpc.ServerUnaryCall<Decoded, Decoded>, callback: grpc.sendUnaryData<Decoded>) => {
      const index = calls.length;
      calls.push({ request: call.request, metadata: call.metadata.getMap() });
      const status = collector.statuses[Math.min(index, collector.statuses.length - 1)] as grpc.status;
      if (status === grpc.status.OK) callback(null, {});
      else callback({ code: status, details: `collector says ${grpc.status[status]}` });
    },
  });
  collector.port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });
  return collector;
}

const hex = (bytes: number[]) => bytesToHex(Uint8Array.from(bytes));

describe('JaegerExporter jaeger_grpc over a real gRPC server', () => {
  let root: protobuf.Root;
  let spans: SpanFixture;
  let collector: Collector | undefined;
  let transport: GrpcTransport | undefined;

  beforeAll(async () => {
    root = loadJaegerProto();
    spans = await makeSpans();
  });
  afterEach(async () => {
    await transport?.close();
    transport = undefined;
    await collector?.close();
    collector = undefined;
  });

  function exporter(port: number, config: Partial<ConstructorParameters<typeof JaegerExporter>[0]> = {}): JaegerExporter {
    transport = createDefaultGrpcTransport();
    return new JaegerExporter({ endpoint: `127.0.0.1:${port}`, format: 'jaeger_grpc', hostname: 'grpc-host', ...config, transport });
  }

  it('calls CollectorService/PostSpans with a PostSpansRequest the official schema decodes', async () => {
    collector = await startCollector(root);
    const jaeger = exporter(collector.port, { headers: { 'x-tenant': 'acme' }, resource: { attributes: { 'deployment.environment': 'test' } } });
    const result = await jaeger.exportSpans([spans.server, spans.client, spans.root]);
    expect(result).toEqual({ ok: true, value: {} });
    expect(collector.calls).toHaveLength(1);
    const [call] = collector.calls as [Call];
    expect(call.metadata['x-tenant']).toBe('acme');

    const batch = call.request.batch;
    expect(batch.process.serviceName).toBe('checkout');
    expect(Object.fromEntries(batch.process.tags.map((t: Decoded) => [t.key, t.vStr]))).toEqual({
      hostname: 'grpc-host',
      'jaeger.version': 'trace-node-0.0.0',
      'deployment.environment': 'test',
    });

    const [server, client, rootSpan] = batch.spans;
    expect(hex(server.traceId)).toBe(REMOTE_TRACE_ID);
    expect(hex(server.spanId)).toBe(spans.server.spanId);
    expect(server.references.map((r: Decoded) => [r.refType, hex(r.traceId), hex(r.spanId)])).toEqual([['CHILD_OF', REMOTE_TRACE_ID, REMOTE_PARENT_ID]]);
    expect(client.references.map((r: Decoded) => [r.refType, hex(r.traceId), hex(r.spanId)])).toEqual([
      ['CHILD_OF', REMOTE_TRACE_ID, spans.server.spanId],
      ['FOLLOWS_FROM', LINK_TRACE_ID, LINK_SPAN_ID],
    ]);
    expect(rootSpan.references).toEqual([]);
    expect(server.operationName).toBe('GET /orders/:id');
    expect(server.flags).toBe(1);
    const startMicros = START_MS * 1000;
    const seconds = Math.floor(startMicros / 1e6);
    expect(server.startTime).toEqual({ seconds: String(seconds), nanos: Math.round((startMicros - seconds * 1e6) * 1000) });
    expect(server.duration).toEqual({ seconds: '0', nanos: 10_000_000 });
    expect(rootSpan.duration).toEqual({ seconds: '1', nanos: 0 });

    const serverTags = Object.fromEntries(server.tags.map((t: Decoded) => [t.key, t]));
    expect(serverTags['http.status_code']).toMatchObject({ vType: 'INT64', vInt64: '200' });
    expect(serverTags['ratio']).toMatchObject({ vType: 'FLOAT64', vFloat64: 0.25 });
    expect(serverTags['cache.hit']).toMatchObject({ vType: 'BOOL', vBool: false });
    expect(serverTags['weights']).toMatchObject({ vType: 'STRING', vStr: '[1,2.5]' });
    expect(serverTags['span.kind']).toMatchObject({ vStr: 'server' });
    const clientTags = Object.fromEntries(client.tags.map((t: Decoded) => [t.key, t]));
    expect(clientTags['error']).toMatchObject({ vType: 'BOOL', vBool: true });
    expect(clientTags['error.message']).toMatchObject({ vStr: 'connection reset' });
    expect(server.logs[0].fields.map((f: Decoded) => f.key)).toEqual(['event', 'cache.key', 'attempt']);
    expect(server.logs[0].fields[0].vStr).toBe('cache.miss');
    await jaeger.shutdown();
  });

  it('uses the configured service name for the batch process', async () => {
    collector = await startCollector(root);
    const jaeger = exporter(collector.port, { serviceName: 'payment-service' });
    expect((await jaeger.exportSpans([spans.root])).ok).toBe(true);
    expect(collector.calls[0]!.request.batch.process.serviceName).toBe('payment-service');
    await jaeger.shutdown();
  });

  it.each([
    [grpc.status.UNAVAILABLE, true],
    [grpc.status.INVALID_ARGUMENT, false],
  ])('classifies gRPC status %i as retryable=%s', async (status, retryable) => {
    collector = await startCollector(root, [status]);
    const result = await exporter(collector.port).exportSpans([spans.root]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.retryable).toBe(retryable);
  });

  describe('through a Tracer pipeline', () => {
    async function runPipeline(statuses: grpc.status[]) {
      collector = await startCollector(root, statuses);
      const jaeger = exporter(collector.port);
      const tracer = new Tracer({
        serviceName: 'pipeline',
        exporters: [jaeger],
        exportSettings: { flushInterval: 60_000, retry: { maxRetries: 3, baseRetryDelay: 5, maxRetryDelay: 20, jitter: 0 } },
      });
      tracer.startSpan('work', { parent: null }).end();
      await tracer.flush({ deadlineMs: 5000 });
      const stats = jaeger.getStats();
      await tracer.shutdown({ deadlineMs: 1000 });
      return stats;
    }

    it('retries UNAVAILABLE until the collector accepts', async () => {
      const stats = await runPipeline([grpc.status.UNAVAILABLE, grpc.status.OK]);
      expect(collector!.calls).toHaveLength(2);
      expect(stats.retries).toBe(1);
      expect(stats.exportedSpans).toBe(1);
      expect(collector!.calls[1]!.request.batch.spans[0].operationName).toBe('work');
    });

    it('does not retry INVALID_ARGUMENT', async () => {
      const stats = await runPipeline([grpc.status.INVALID_ARGUMENT, grpc.status.OK]);
      expect(collector!.calls).toHaveLength(1);
      expect(stats.retries).toBe(0);
      expect(stats.lost.notRetryable).toBe(1);
    });
  });
  it('keeps metadata values out of inspect, stats and failures', async () => {
    const TOKEN = 'tok-91c2aa';
    collector = await startCollector(root, [grpc.status.INVALID_ARGUMENT]);
    const jaeger = exporter(collector.port, { headers: { 'X-Api-Key': TOKEN } });
    const failed = await jaeger.exportSpans([spans.server]);
    expect(failed.ok).toBe(false);
    expect(collector.calls[0]?.metadata['x-api-key']).toBe(TOKEN);
    const shown = [inspect(jaeger, { depth: 10, showHidden: true }), JSON.stringify(jaeger.getStats()), inspect(failed, { depth: 10 })].join('\n');
    expect(shown).not.toContain(TOKEN);
    expect(inspect(jaeger)).toContain('x-api-key');
  });
});
