// OTLP over gRPC through @trace/transport-grpc against a real @grpc/grpc-js server: retryable
// statuses are retried, INVALID_ARGUMENT is not, a missed deadline is retried, all exactly counted.
import * as grpc from '@grpc/grpc-js';
import { type GrpcBackend, type GrpcBehaviour, expectExactAccounting, figures, otlpTracer, produce, startGrpcBackend, statsOf } from './helpers';

const SPANS = 1000;
const lines: string[] = [];
let backend: GrpcBackend | undefined;

afterEach(async () => {
  await backend?.close();
  backend = undefined;
});
afterAll(() => {
  if (lines.length > 0) console.log(`fault suite, gRPC:\n  ${lines.join('\n  ')}`);
});

async function run(name: string, behave: (index: number) => GrpcBehaviour, settings = {}, exporterOptions = {}) {
  backend = await startGrpcBackend(behave);
  const tracer = otlpTracer(backend.endpoint, 'otlp_grpc', settings, exporterOptions);
  const produced = produce(tracer, SPANS);
  const flushed = await tracer.flush({ deadlineMs: 30_000 });
  await tracer.shutdown({ deadlineMs: 1000 });
  const stats = statsOf(tracer);
  lines.push(figures(name, stats, backend.received, `, calls ${backend.received.requests}`));
  return { stats, produced, flushed, received: backend.received };
}

describe('gRPC backend faults (default retry and queue settings)', () => {
  it('UNAVAILABLE twice, then OK: retried, nothing lost', async () => {
    const { stats, produced, received } = await run('UNAVAILABLE x2', (index) =>
      index < 2 ? { kind: 'status', code: grpc.status.UNAVAILABLE, details: 'restarting' } : { kind: 'ok' },
    );
    expect(stats).toMatchObject({ exportedSpans: SPANS, failedSpans: 0, retries: 2 });
    expectExactAccounting(stats, produced, received);
  });

  it('INVALID_ARGUMENT: fails at once, no retry', async () => {
    const { stats, produced, received } = await run('INVALID_ARGUMENT', () => ({ kind: 'status', code: grpc.status.INVALID_ARGUMENT, details: 'bad spans' }));
    expect(received.requests).toBe(2);
    expect(stats).toMatchObject({ exportedSpans: 0, failedSpans: SPANS, retries: 0 });
    expect(stats.lost.notRetryable).toBe(SPANS);
    expectExactAccounting(stats, produced, received);
  });

  it('DEADLINE_EXCEEDED twice (the server answers too late), then OK: retried, nothing lost or duplicated', async () => {
    const { stats, produced, received } = await run(
      'DEADLINE_EXCEEDED x2, timeoutMs 500',
      (index) => (index < 2 ? { kind: 'delay', ms: 1500 } : { kind: 'ok' }),
      { exportTimeout: 2000 },
      { timeoutMs: 500 },
    );
    expect(stats).toMatchObject({ exportedSpans: SPANS, failedSpans: 0, retries: 2 });
    expectExactAccounting(stats, produced, received);
  });
});
