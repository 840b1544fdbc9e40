// A known token must appear nowhere the transport reports: not in errors (message, stack,
// inspected), statistics, or an inspected transport or pool, even when the server echoes it back
// in its status message and trailers.
import { inspect } from 'node:util';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { ConfigError } from '@trace/core';
import { type DefaultGrpcTransport, GrpcChannelManager, createDefaultGrpcTransport } from '../src/index.js';
import { type TestGrpcServer, startGrpcServer } from './servers.js';

const TOKEN = 'tok-5e1b7c9a3d2f4e68';
let server: TestGrpcServer | undefined;
let transport: DefaultGrpcTransport | undefined;
afterEach(async () => {
  await transport?.close();
  transport = undefined;
  await server?.stop();
  server = undefined;
});

function everything(values: unknown[]): string {
  return values
    .map((value) => (value instanceof Error ? `${value.message}\n${value.stack ?? ''}\n${inspect(value, { depth: 10 })}` : inspect(value, { depth: 10 })))
    .join('\n');
}

describe('a server that echoes the token', () => {
  it.each([
    ['UNAVAILABLE', GrpcStatus.UNAVAILABLE],
    ['INVALID_ARGUMENT', GrpcStatus.INVALID_ARGUMENT],
    ['UNAUTHENTICATED', GrpcStatus.UNAUTHENTICATED],
    ['RESOURCE_EXHAUSTED', GrpcStatus.RESOURCE_EXHAUSTED],
  ])('in its %s status text and trailers leaks it nowhere; the error names the code', async (name, code) => {
    server = await startGrpcServer();
    server.handler = (call, callback) => {
      const trailers = new Metadata();
      trailers.set('x-echo', String(call.metadata.get('authorization')[0]));
      callback({ code, details: `bad token: ${String(call.metadata.get('authorization')[0])}`, metadata: trailers });
    };
    transport = createDefaultGrpcTransport();
    transport.connect('127.0.0.1', server.port);
    const result = await transport.send({
      service: 'test.Echo',
      method: 'Call',
      body: new Uint8Array([1]),
      timeoutMs: 5000,
      metadata: { authorization: `Bearer ${TOKEN}` },
    });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    // The server did get the token (and sent it back): it was just never repeated.
    expect(server.received[0]?.metadata.authorization).toBe(`Bearer ${TOKEN}`);
    expect(result.error.message).toBe(`gRPC call test.Echo/Call failed with ${name} (${code})`);
    const reported = everything([result.error, transport.getStatistics(), transport]);
    expect(reported).not.toContain(TOKEN);
    expect(transport.getStatistics().lastError).toBe(result.error.message);
  });

  it('posing as a connection failure in its status text still leaks nothing', async () => {
    server = await startGrpcServer();
    server.handler = (_call, callback) => callback({ code: GrpcStatus.UNAVAILABLE, details: `No connection established. Last error: ECONNREFUSED ${TOKEN}` });
    transport = createDefaultGrpcTransport();
    transport.connect('127.0.0.1', server.port);
    const result = await transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]), timeoutMs: 5000 });

    expect(result.ok).toBe(false);
    expect(everything([result, transport.getStatistics()])).not.toContain(TOKEN);
  });
});

describe('inspecting transports and pools', () => {
  // Key material is checked with real certificates in tls-and-health.test.ts.
  it('shows the target and settings, never metadata, and own properties hold none', async () => {
    server = await startGrpcServer();
    server.handler = () => {}; // holds the call so it is in flight while inspected
    const manager = new GrpcChannelManager({ useTls: false });
    transport = createDefaultGrpcTransport({ channelManager: manager });
    transport.connect('127.0.0.1', server.port);
    const pending = transport.send({ service: 'test.Echo', method: 'Call', body: new Uint8Array([1]), timeoutMs: 300, metadata: { authorization: TOKEN } });
    try {
      const views = [
        inspect(transport, { depth: 10 }),
        inspect(transport, { depth: 10, showHidden: true, customInspect: false }),
        inspect(manager, { depth: 10 }),
        JSON.stringify(transport),
      ];
      expect(views[0]).toContain(`target: '127.0.0.1:${server.port}'`);
      expect(views[0]).toContain('inFlight: 1');
      expect(views[2]).toContain(`'127.0.0.1:${server.port}'`);
      for (const view of views) expect(view).not.toContain(TOKEN);
      const result = await pending;
      expect(!result.ok && result.error.kind).toBe('timeout');
      expect(everything([result, transport.getStatistics()])).not.toContain(TOKEN);
    } finally {
      manager.close();
    }
  });

  it('refuses a host with user-info without repeating it', () => {
    transport = createDefaultGrpcTransport();
    const result = transport.connect(`user:${TOKEN}@collector`, 4317);
    expect(result.ok).toBe(false);
    expect(everything([result])).not.toContain(TOKEN);
  });

  it('refuses TLS material that is not PEM with a ConfigError that does not repeat it', () => {
    const notPem = `-----BEGIN PRIVATE KEY-----${TOKEN}-----END PRIVATE KEY-----`;
    let thrown: unknown;
    try {
      new GrpcChannelManager({ privateKey: notPem, certChain: notPem });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(everything([thrown])).not.toContain(TOKEN);
  });
});
