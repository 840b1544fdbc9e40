import { performance } from 'node:perf_hooks';
import { ConfigError, TransportError } from '@trace/core';
import { status as GrpcStatus, Metadata, connectivityState } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { type DefaultGrpcTransport, GrpcChannelManager, createDefaultGrpcTransport } from '../src/index.js';
import { type TestGrpcServer, findClosedPort, startCountingProxy, startGrpcServer, startSilentServer } from './servers.js';

// google.rpc.Status / google.protobuf.Any / google.rpc.RetryInfo / google.protobuf.Duration, built
// with protobufjs from their published field numbers, so the transport's hand decoder is checked
// against an independent encoder.
const root = protobuf.Root.fromJSON({
  nested: {
    Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
    RetryInfo: { fields: { retryDelay: { type: 'Duration', id: 1 } } },
    Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
    Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'Any', id: 3 } } },
  },
});
const StatusType = root.lookupType('Status');
const RetryInfoType = root.lookupType('RetryInfo');

function statusDetailsWithRetryDelay(code: number, seconds: number, nanos: number): Buffer {
  const retryInfo = RetryInfoType.encode(RetryInfoType.create({ retryDelay: { seconds, nanos } })).finish();
  const message = StatusType.create({ code, message: 'slow down', details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retryInfo }] });
  return Buffer.from(StatusType.encode(message).finish());
}

const SECRET = 'Bearer very-secret-token-123';

describe('DefaultGrpcTransport against a real grpc-js server', () => {
  let server: TestGrpcServer | undefined;
  let transport: DefaultGrpcTransport | undefined;

  afterEach(async () => {
    await transport?.close();
    transport = undefined;
    await server?.stop();
    server = undefined;
  });

  async function connected(
    options: Parameters<typeof createDefaultGrpcTransport>[0] = {},
  ): Promise<{ server: TestGrpcServer; transport: DefaultGrpcTransport }> {
    server = await startGrpcServer();
    transport = createDefaultGrpcTransport(options);
    expect(transport.connect('127.0.0.1', server.port).ok).toBe(true);
    return { server, transport };
  }

  it('sends raw bytes with metadata and returns the response bytes', async () => {
    const { server, transport } = await connected();
    server.handler = (call, callback) => callback(null, Buffer.concat([Buffer.from('echo:'), call.request]));
    const body = new Uint8Array([0, 1, 2, 250, 255]);
    const result = await transport.send({ service: 'test.Echo', method: 'Call', body, metadata: { authorization: SECRET, 'x-tenant': 'a' }, timeoutMs: 5000 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Buffer.from(result.value.body)).toEqual(Buffer.concat([Buffer.from('echo:'), Buffer.from(body)]));
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.path).toBe('/test.Echo/Call');
    expect([...(server.received[0]?.body ?? [])]).toEqual([...body]);
    expect(server.received[0]?.metadata.authorization).toBe(SECRET);
    expect(server.received[0]?.metadata['x-tenant']).toBe('a');
    expect(transport.getStatistics()).toEqual({ requestsSent: 1, bytesSent: 5, sendFailures: 0, statusCounts: { OK: 1 }, lastError: undefined });
  });

  it('rejects bad targets and requests with a Result, never a throw', async () => {
    transport = createDefaultGrpcTransport();
    const before = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array() });
    expect(!before.ok && before.error.kind).toBe('invalid-request');
    expect(!before.ok && before.error.message).toMatch(/connect\(host, port\)/);
    expect(transport.connect('', 4317).ok).toBe(false);
    expect(transport.connect('127.0.0.1', 0).ok).toBe(false);
    expect(transport.connect('127.0.0.1', 70000).ok).toBe(false);
    expect(transport.connect('127.0.0.1', 1.5).ok).toBe(false);
    expect(transport.connect('::1', 4317).ok).toBe(true);
    expect(transport.target).toBe('[::1]:4317');
    const badMethod = await transport.send({ service: 'test.Echo', method: 'a/b', body: new Uint8Array() });
    expect(!badMethod.ok && badMethod.error.kind).toBe('invalid-request');
    const badBody = await transport.send({ service: 'test.Echo', method: 'Call', body: 'text' as unknown as Uint8Array });
    expect(!badBody.ok && badBody.error.kind).toBe('invalid-request');
    const badKey = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array(), metadata: { 'Bad Key': SECRET } });
    expect(!badKey.ok && badKey.error.kind).toBe('invalid-request');
    expect(!badKey.ok && badKey.error.message).not.toContain(SECRET);
    const stats = transport.getStatistics();
    expect(stats.requestsSent).toBe(0);
    expect(stats.sendFailures).toBe(4);
    expect(JSON.stringify(stats)).not.toContain(SECRET);
    expect(() => createDefaultGrpcTransport({ defaultTimeoutMs: -1 })).toThrow(ConfigError);
  });

  it('fails with a timeout error when the deadline passes, and the server sees the call cancelled', async () => {
    const { server, transport } = await connected();
    server.handler = () => {}; // never answers
    const started = performance.now();
    const result = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]), timeoutMs: 150 });
    const elapsed = performance.now() - started;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(TransportError);
    expect(result.error.kind).toBe('timeout');
    expect(result.error.grpcCode).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    expect(result.error.retryable).toBe(true);
    expect(result.error.message).toMatch(/150 ms deadline/);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2000);
    const stats = transport.getStatistics();
    expect(stats).toMatchObject({ requestsSent: 1, sendFailures: 1, statusCounts: { DEADLINE_EXCEEDED: 1 } });
    expect(stats.lastError).toBe(result.error.message);
  });

  it('tells the server the deadline (grpc-timeout) although grpc-js runs no deadline timer of its own', async () => {
    const { server, transport } = await connected();
    let serverDeadline: number | undefined;
    let receivedAt = 0;
    server.handler = (call, callback) => {
      receivedAt = Date.now();
      const deadline = call.getDeadline();
      serverDeadline = deadline instanceof Date ? deadline.getTime() : deadline;
      callback(null, call.request);
    };
    const sentAt = Date.now();
    const result = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]), timeoutMs: 4000 });

    expect(result.ok).toBe(true);
    expect(serverDeadline).toBeDefined();
    // The server counts the 4 s from when the call arrived, so its deadline is the client's plus
    // the time the call took to get there (long on a busy machine), never a default of its own.
    expect((serverDeadline ?? 0) - sentAt).toBeGreaterThan(3000);
    expect((serverDeadline ?? 0) - sentAt).toBeLessThanOrEqual(4000 + (receivedAt - sentAt) + 50);
  });

  it('cancels the call when the AbortSignal fires', async () => {
    const { server, transport } = await connected();
    const controller = new AbortController();
    server.handler = () => controller.abort(); // abort once the server holds the call
    const started = performance.now();
    const result = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]), timeoutMs: 10_000, signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(!result.ok && result.error.kind).toBe('aborted');
    expect(!result.ok && result.error.grpcCode).toBe(GrpcStatus.CANCELLED);
    // The cancellation reaches the server (RST_STREAM), so no stream is left open.
    for (let attempt = 0; attempt < 50 && server.cancelled === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.cancelled).toBe(1);

    const preAborted = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]), signal: AbortSignal.abort() });
    expect(!preAborted.ok && preAborted.error.kind).toBe('aborted');
    expect(server.received).toHaveLength(1);
    expect(transport.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 2, statusCounts: { CANCELLED: 1 } });
  });

  it('reports connection refused as a retryable connection error', async () => {
    const port = await findClosedPort();
    transport = createDefaultGrpcTransport();
    transport.connect('127.0.0.1', port);
    const result = await transport.send({
      service: 'test.Echo',
      method: 'Call',
      body: new Uint8Array([1, 2, 3]),
      timeoutMs: 3000,
      metadata: { authorization: SECRET },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('connection');
    expect(result.error.retryable).toBe(true);
    expect(result.error.message).toContain(`127.0.0.1:${port}`);
    expect(result.error.message).toMatch(/ECONNREFUSED/);
    expect(result.error.message).not.toContain(SECRET);
    const stats = transport.getStatistics();
    expect(stats).toMatchObject({ requestsSent: 1, bytesSent: 3, sendFailures: 1, statusCounts: { UNAVAILABLE: 1 } });
    expect(JSON.stringify(stats)).not.toContain(SECRET);
  });

  it('gives up after connectTimeoutMs on a server that accepts TCP but never speaks HTTP/2', async () => {
    const silent = await startSilentServer();
    try {
      transport = createDefaultGrpcTransport({ connectTimeoutMs: 200 });
      transport.connect('127.0.0.1', silent.port);
      const started = performance.now();
      const result = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]), timeoutMs: 10_000 });
      const elapsed = performance.now() - started;
      expect(!result.ok && result.error.kind).toBe('connection');
      expect(!result.ok && result.error.message).toMatch(/within 200 ms/);
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(3000);
      expect(transport.getStatistics().sendFailures).toBe(1);
    } finally {
      await transport?.close();
      await silent.close();
    }
  });

  // The OTLP specification's table, written out here independently of the implementation.
  const otlpRetryable: Record<string, boolean> = {
    CANCELLED: true,
    UNKNOWN: false,
    INVALID_ARGUMENT: false,
    DEADLINE_EXCEEDED: true,
    NOT_FOUND: false,
    ALREADY_EXISTS: false,
    PERMISSION_DENIED: false,
    RESOURCE_EXHAUSTED: false, // without RetryInfo
    FAILED_PRECONDITION: false,
    ABORTED: true,
    OUT_OF_RANGE: true,
    UNIMPLEMENTED: false,
    INTERNAL: false,
    UNAVAILABLE: true,
    DATA_LOSS: true,
    UNAUTHENTICATED: false,
  };

  it.each(Object.entries(otlpRetryable))('classifies a server status %s as retryable=%s', async (name, retryable) => {
    const { server, transport } = await connected();
    const code = GrpcStatus[name as keyof typeof GrpcStatus];
    server.handler = (_call, callback) => callback({ code, details: `server says ${name}` });
    const result = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([7]), timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('grpc-status');
    expect(result.error.grpcCode).toBe(code);
    expect(result.error.retryable).toBe(retryable);
    expect(result.error.retryAfterMs).toBeUndefined();
    // The status is named by code; the server's own words are never copied.
    expect(result.error.message).toContain(`${name} (${code})`);
    expect(result.error.message).not.toContain('server says');
    expect(transport.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 1, statusCounts: { [name]: 1 } });
  });

  it('retries RESOURCE_EXHAUSTED only with RetryInfo, and honours its delay', async () => {
    const { server, transport } = await connected();
    let trailer: Buffer | undefined = statusDetailsWithRetryDelay(GrpcStatus.RESOURCE_EXHAUSTED, 3, 250_000_000);
    server.handler = (_call, callback) => {
      const metadata = new Metadata();
      if (trailer !== undefined) metadata.set('grpc-status-details-bin', trailer);
      callback({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: 'quota', metadata });
    };
    const withInfo = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]) });
    expect(!withInfo.ok && withInfo.error.kind).toBe('grpc-status');
    expect(!withInfo.ok && withInfo.error.retryable).toBe(true);
    expect(!withInfo.ok && withInfo.error.retryAfterMs).toBe(3250);

    trailer = undefined;
    const withoutInfo = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]) });
    expect(!withoutInfo.ok && withoutInfo.error.retryable).toBe(false);
    expect(!withoutInfo.ok && withoutInfo.error.retryAfterMs).toBeUndefined();
    expect(transport.getStatistics().statusCounts).toEqual({ RESOURCE_EXHAUSTED: 2 });
  });

  it('passes the RetryInfo delay of a retryable UNAVAILABLE through', async () => {
    const { server, transport } = await connected();
    server.handler = (_call, callback) => {
      const metadata = new Metadata();
      metadata.set('grpc-status-details-bin', statusDetailsWithRetryDelay(GrpcStatus.UNAVAILABLE, 0, 40_000_000));
      callback({ code: GrpcStatus.UNAVAILABLE, details: 'draining', metadata });
    };
    const result = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]) });
    expect(!result.ok && result.error.kind).toBe('grpc-status');
    expect(!result.ok && result.error.retryable).toBe(true);
    expect(!result.ok && result.error.retryAfterMs).toBe(40);
  });

  it('compresses request messages with gzip on request; the server decodes them', async () => {
    server = await startGrpcServer();
    const proxy = await startCountingProxy(server.port);
    try {
      const body = Buffer.alloc(64 * 1024, 'a');
      transport = createDefaultGrpcTransport();
      transport.connect('127.0.0.1', proxy.port);
      const gzipped = await transport.send({ service: 'test.Echo', method: 'Call', body, compression: 'gzip', timeoutMs: 5000 });
      expect(gzipped.ok).toBe(true);
      expect(server.received[0]?.body.equals(body)).toBe(true);
      // 64 KiB of one letter gzips to well under 1 KiB: the wire carried the compressed form.
      expect(proxy.bytesFromClient).toBeLessThan(4096);

      const before = proxy.bytesFromClient;
      const plain = await transport.send({ service: 'test.Echo', method: 'Call', body, compression: 'none', timeoutMs: 5000 });
      expect(plain.ok).toBe(true);
      expect(server.received[1]?.body.equals(body)).toBe(true);
      expect(proxy.bytesFromClient - before).toBeGreaterThan(body.length);
      // bytesSent counts the message as handed over, before compression.
      expect(transport.getStatistics()).toMatchObject({ requestsSent: 2, bytesSent: 2 * body.length, statusCounts: { OK: 2 } });
    } finally {
      await transport?.close();
      transport = undefined;
      await proxy.close();
    }
  });

  it('reuses one connection for many calls to the same target', async () => {
    server = await startGrpcServer();
    const proxy = await startCountingProxy(server.port);
    try {
      transport = createDefaultGrpcTransport();
      transport.connect('127.0.0.1', proxy.port);
      for (let index = 0; index < 50; index++) {
        const result = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([index]), timeoutMs: 5000 });
        expect(result.ok).toBe(true);
      }
      const parallel = await Promise.all(
        Array.from({ length: 50 }, (_, index) => transport!.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([index]) })),
      );
      expect(parallel.every((result) => result.ok)).toBe(true);
      expect(proxy.connections).toBe(1);
      expect(transport.getStatistics()).toMatchObject({ requestsSent: 100, bytesSent: 100, sendFailures: 0, statusCounts: { OK: 100 } });
    } finally {
      await transport?.close();
      transport = undefined;
      await proxy.close();
    }
  });

  it('reaches a server restarted on the same port on the next send', async () => {
    const { server: first, transport } = await connected();
    const port = first.port;
    expect((await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]), timeoutMs: 5000 })).ok).toBe(true);

    await first.stop();
    const whileDown = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([2]), timeoutMs: 3000 });
    expect(!whileDown.ok && whileDown.error.kind).toBe('connection');
    expect(!whileDown.ok && whileDown.error.retryable).toBe(true);

    server = await startGrpcServer({ port });
    const started = performance.now();
    const after = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([3]), timeoutMs: 3000 });
    expect(after.ok).toBe(true);
    // Not held back by grpc-js's reconnect backoff (1 s and growing).
    expect(performance.now() - started).toBeLessThan(900);
    expect(server.received.map((call) => [...call.body])).toEqual([[3]]);

    expect(transport.getStatistics()).toMatchObject({ requestsSent: 3, sendFailures: 1, statusCounts: { OK: 2, UNAVAILABLE: 1 } });
  });

  it('reaches a restarted server on the next send once the old connection has dropped', async () => {
    server = await startGrpcServer();
    const port = server.port;
    const manager = new GrpcChannelManager();
    transport = createDefaultGrpcTransport({ channelManager: manager });
    try {
      transport.connect('127.0.0.1', port);
      expect((await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]), timeoutMs: 3000 })).ok).toBe(true);
      const channel = manager.getChannel(server.target);
      expect(channel.getConnectivityState(false)).toBe(connectivityState.READY);

      await server.stop();
      // A real restart takes longer than the client needs to see the connection close; wait for that.
      for (let attempt = 0; attempt < 100 && channel.getConnectivityState(false) === connectivityState.READY; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(channel.getConnectivityState(false)).not.toBe(connectivityState.READY);
      server = await startGrpcServer({ port });
      const after = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([2]), timeoutMs: 3000 });
      expect(after.ok).toBe(true);
      expect(server.received.map((call) => [...call.body])).toEqual([[2]]);
      expect(transport.getStatistics()).toMatchObject({ requestsSent: 2, sendFailures: 0, statusCounts: { OK: 2 } });
    } finally {
      await transport.close();
      transport = undefined;
      manager.close();
    }
  });

  it('refuses to send after close', async () => {
    const { transport } = await connected();
    await transport.close();
    const result = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]) });
    expect(!result.ok && result.error.kind).toBe('closed');
    expect(transport.connect('127.0.0.1', 1).ok).toBe(false);
  });
});

describe('GrpcChannelManager', () => {
  it('returns the same channel for the same target and a new one for another target or compression', () => {
    const manager = new GrpcChannelManager({ keepaliveTimeMs: 10_000, connectTimeoutMs: 5000, enableRetry: true });
    try {
      const channel = manager.getChannel('127.0.0.1:4317');
      expect(manager.getChannel('127.0.0.1:4317')).toBe(channel);
      expect(manager.getClient('127.0.0.1:4317').getChannel()).toBe(channel);
      expect(manager.getChannel('127.0.0.1:4318')).not.toBe(channel);
      expect(manager.getChannel('127.0.0.1:4317', { compression: 'gzip' })).not.toBe(channel);
      expect(manager.size).toBe(3);
      manager.resetChannel('127.0.0.1:4317');
      expect(manager.size).toBe(2);
      expect(manager.getChannel('127.0.0.1:4317')).not.toBe(channel);
    } finally {
      manager.close();
    }
    expect(manager.size).toBe(0);
    expect(() => manager.getChannel('127.0.0.1:4317')).toThrow(ConfigError);
  });

  it('shares one pool between transports given the same manager', async () => {
    const server = await startGrpcServer();
    const manager = new GrpcChannelManager();
    const a = createDefaultGrpcTransport({ channelManager: manager });
    const b = createDefaultGrpcTransport({ channelManager: manager });
    try {
      a.connect('127.0.0.1', server.port);
      b.connect('127.0.0.1', server.port);
      expect((await a.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]) })).ok).toBe(true);
      expect((await b.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([2]) })).ok).toBe(true);
      expect(manager.size).toBe(1);
      await a.close();
      // Closing one transport leaves the shared pool to its owner.
      expect((await b.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([3]) })).ok).toBe(true);
    } finally {
      await b.close();
      manager.close();
      await server.stop();
    }
  });

  it('rejects invalid configuration with a ConfigError that says what to change', () => {
    expect(() => new GrpcChannelManager({ privateKey: 'key' })).toThrow(/privateKey and certChain go together/);
    expect(() => new GrpcChannelManager({ useTls: false, rootCertificates: 'ca' })).toThrow(/useTls is false/);
    expect(() => new GrpcChannelManager({ keepaliveTimeMs: 0 })).toThrow(ConfigError);
    expect(() => new GrpcChannelManager({ connectTimeoutMs: Number.NaN })).toThrow(ConfigError);
    expect(() => new GrpcChannelManager({ compression: 'brotli' as 'gzip' })).toThrow(ConfigError);
    const manager = new GrpcChannelManager();
    expect(() => manager.getClient('')).toThrow(ConfigError);
    manager.close();
  });
});
