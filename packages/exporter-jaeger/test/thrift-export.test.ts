// jaeger_thrift against a real node:http collector on 127.0.0.1: what arrives is decoded with
// the official jaeger.thrift; retries go through a real Tracer pipeline.
import { once } from 'node:events';
import { inspect } from 'node:util';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Tracer } from '@trace/core';
import { JaegerExporter, createJaegerExporter } from '@trace/exporter-jaeger';
import { createDefaultTransport } from '@trace/transport-http';
import { decodeThriftBatch, hexToSignedI64 } from './helpers/idl';
import { START_MS, type SpanFixture, makeSpans } from './helpers/spans';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface Collector {
  url: string;
  port: number;
  requests: Received[];
  /** Status for the n-th request (0-based); the last entry repeats. */
  statuses: number[];
  close(): Promise<void>;
}

async function startCollector(statuses: number[] = [202]): Promise<Collector> {
  const requests: Received[] = [];
  const collector: Partial<Collector> = { requests, statuses };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = requests.length;
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      const list = collector.statuses as number[];
      const status = list[Math.min(index, list.length - 1)] as number;
      res.writeHead(status, status === 429 ? { 'retry-after': '0' } : {});
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  collector.port = port;
  collector.url = `http://127.0.0.1:${port}`;
  collector.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return collector as Collector;
}

// biome-ignore lint/suspicious/noExplicitAny: decoded test data is walked dynamically
type Decoded = any;

describe('JaegerExporter jaeger_thrift over a real HTTP server', () => {
  let spans: SpanFixture;
  let collector: Collector;
  const exporters: JaegerExporter[] = [];

  beforeAll(async () => {
    spans = await makeSpans();
  });
  afterEach(async () => {
    for (const exporter of exporters.splice(0)) await exporter.shutdown();
    await collector?.close();
  });

  function exporter(config: Partial<ConstructorParameters<typeof JaegerExporter>[0]> = {}): JaegerExporter {
    const created = new JaegerExporter({ endpoint: collector.url, format: 'jaeger_thrift', hostname: 'test-host', ...config });
    exporters.push(created);
    return created;
  }

  it('POSTs a TBinaryProtocol Batch to /api/traces with the Thrift content type and custom headers', async () => {
    collector = await startCollector([202]);
    const result = await exporter({
      headers: { Authorization: 'Bearer secret-token' },
      resource: { attributes: { 'service.version': '4.5.6', 'process.pid': 1234 } },
    }).exportSpans([spans.server, spans.client, spans.root]);
    expect(result).toEqual({ ok: true, value: {} });
    expect(collector.requests).toHaveLength(1);
    const [request] = collector.requests as [Received];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/traces');
    expect(request.headers['content-type']).toBe('application/x-thrift');
    expect(request.headers['authorization']).toBe('Bearer secret-token');

    const batch = decodeThriftBatch(request.body);
    expect(batch.process.serviceName).toBe('checkout');
    const processTags = Object.fromEntries(batch.process.tags.map((t: Decoded) => [t.key, t.vStr ?? t.vLong ?? t.vBool]));
    expect(processTags).toEqual({ hostname: 'test-host', 'jaeger.version': 'trace-node-0.0.0', 'service.version': '4.5.6', 'process.pid': 1234n });

    expect(batch.spans).toHaveLength(3);
    const [server, client] = batch.spans;
    expect(server.traceIdHigh).toBe(hexToSignedI64(spans.server.traceId.slice(0, 16)));
    expect(server.traceIdLow).toBe(hexToSignedI64(spans.server.traceId.slice(16)));
    expect(server.spanId).toBe(hexToSignedI64(spans.server.spanId));
    expect(client.parentSpanId).toBe(server.spanId);
    expect(client.references.map((r: Decoded) => r.refType)).toEqual(['CHILD_OF', 'FOLLOWS_FROM']);
    expect(server.operationName).toBe('GET /orders/:id');
    expect(server.flags).toBe(1);
    expect(server.startTime).toBe(BigInt(Math.round(START_MS * 1000)));
    expect(server.duration).toBe(10_000n);
    const clientTags = Object.fromEntries(client.tags.map((t: Decoded) => [t.key, t]));
    expect(clientTags['error']).toMatchObject({ vType: 'BOOL', vBool: true });
    expect(clientTags['error.message']).toMatchObject({ vStr: 'connection reset' });
    expect(clientTags['span.kind']).toMatchObject({ vStr: 'client' });
    expect(server.logs[0].fields[0]).toEqual({ key: 'event', vType: 'STRING', vStr: 'cache.miss' });
  });

  it('uses the configured service name for the process', async () => {
    collector = await startCollector([200]);
    await exporter({ serviceName: 'payment-service' }).exportSpans([spans.server]);
    expect(decodeThriftBatch(collector.requests[0]!.body).process.serviceName).toBe('payment-service');
  });

  it('sends one batch per service when spans of several services are exported together', async () => {
    collector = await startCollector([202]);
    const other = await makeSpans('inventory');
    const result = await exporter().exportSpans([spans.server, other.server, spans.client]);
    expect(result.ok).toBe(true);
    const batches = collector.requests.map((request) => decodeThriftBatch(request.body));
    expect(batches.map((b: Decoded) => [b.process.serviceName, b.spans.length])).toEqual([
      ['checkout', 2],
      ['inventory', 1],
    ]);
  });

  it('gzips the body when compression is enabled', async () => {
    collector = await startCollector([202]);
    await exporter({ compression: 'gzip' }).exportSpans([spans.root]);
    const [request] = collector.requests as [Received];
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(decodeThriftBatch(gunzipSync(request.body)).spans[0].operationName).toBe('nightly-job');
  });

  it('works with createJaegerExporter and an endpoint without the path', async () => {
    collector = await startCollector([202]);
    const created = createJaegerExporter({ endpoint: `127.0.0.1:${collector.port}`, format: 'jaeger_thrift' });
    exporters.push(created);
    expect(created.target).toBe(`http://127.0.0.1:${collector.port}/api/traces`);
    expect((await created.exportSpans([spans.root])).ok).toBe(true);
    expect(collector.requests[0]!.url).toBe('/api/traces');
  });

  it.each([
    [503, true],
    [500, true],
    [429, true],
    [400, false],
    [404, false],
  ])('classifies HTTP %i as retryable=%s', async (status, retryable) => {
    collector = await startCollector([status]);
    const result = await exporter().exportSpans([spans.root]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.retryable).toBe(retryable);
      expect(result.error.message).toContain(String(status));
    }
  });

  it('fails retryably when nothing listens on the port', async () => {
    collector = await startCollector([202]);
    const url = collector.url;
    await collector.close();
    const transport = createDefaultTransport();
    const closedPort = new JaegerExporter({ endpoint: url, format: 'jaeger_thrift', transport });
    const result = await closedPort.exportSpans([spans.root]);
    await closedPort.shutdown();
    await transport.close();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.retryable).toBe(true);
    collector = await startCollector([202]);
  });

  describe('through a Tracer pipeline', () => {
    async function runPipeline(statuses: number[]) {
      collector = await startCollector(statuses);
      const jaeger = exporter();
      const tracer = new Tracer({
        serviceName: 'pipeline',
        exporters: [jaeger],
        exportSettings: { flushInterval: 60_000, retry: { maxRetries: 3, baseRetryDelay: 5, maxRetryDelay: 20, jitter: 0 } },
      });
      tracer.startSpan('work', { parent: null }).end();
      tracer.startSpan('more-work', { parent: null }).end();
      await tracer.flush({ deadlineMs: 5000 });
      const stats = jaeger.getStats();
      await tracer.shutdown({ deadlineMs: 1000 });
      return stats;
    }

    it('retries 503 until the collector accepts the batch', async () => {
      const stats = await runPipeline([503, 503, 202]);
      expect(collector.requests).toHaveLength(3);
      expect(stats.retries).toBe(2);
      expect(stats.exportedSpans).toBe(2);
      expect(stats.failedSpans).toBe(0);
      // The retried body is the same batch.
      expect(collector.requests[2]!.body.equals(collector.requests[0]!.body)).toBe(true);
      expect(decodeThriftBatch(collector.requests[2]!.body).spans.map((s: Decoded) => s.operationName)).toEqual(['work', 'more-work']);
    });

    it('gives up on 503 after maxRetries and counts the spans as failed', async () => {
      const stats = await runPipeline([503]);
      expect(collector.requests).toHaveLength(4);
      expect(stats.retries).toBe(3);
      expect(stats.lost.retriesExhausted).toBe(2);
      expect(stats.exportedSpans).toBe(0);
    });

    it('does not retry 400', async () => {
      const stats = await runPipeline([400, 202]);
      expect(collector.requests).toHaveLength(1);
      expect(stats.retries).toBe(0);
      expect(stats.lost.notRetryable).toBe(2);
      expect(stats.lastError).toContain('400');
    });
  });
  it('shows no header value, URL userinfo or query in inspect, target, stats or a failure', async () => {
    const TOKEN = 'tok-5d1e0b';
    collector = await startCollector([500]);
    const jaeger = exporter({
      endpoint: `http://user:${TOKEN}@127.0.0.1:${collector.port}/api/traces?api_key=${TOKEN}`,
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const failed = await jaeger.exportSpans([spans.server]);
    expect(failed.ok).toBe(false);
    expect(collector.requests[0]?.url).toBe(`/api/traces?api_key=${TOKEN}`);
    expect(collector.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const shown = [inspect(jaeger, { depth: 10, showHidden: true }), jaeger.target, JSON.stringify(jaeger.getStats()), inspect(failed, { depth: 10 })].join(
      '\n',
    );
    expect(shown).not.toContain(TOKEN);
    expect(jaeger.target).toBe(`http://127.0.0.1:${collector.port}/api/traces?api_key=REDACTED`);
    expect(inspect(jaeger)).toContain('Authorization');
  });
});
