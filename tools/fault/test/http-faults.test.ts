// One backend fault per case, OTLP over HTTP (protobuf) through @trace/transport-http, default
// pipeline settings unless the case says otherwise. Every case ends with exact accounting.
import { type HttpBackend, type HttpBehaviour, expectExactAccounting, figures, otlpTracer, produce, startHttpBackend, statsOf } from './helpers';

const SPANS = 1000; // two batches of the default 512
const lines: string[] = [];
let backend: HttpBackend | undefined;

afterEach(async () => {
  await backend?.close();
  backend = undefined;
});
afterAll(() => {
  if (lines.length > 0) console.log(`fault suite, HTTP:\n  ${lines.join('\n  ')}`);
});

/** Sends SPANS spans to a backend answering with `behave`, flushes, returns the figures. */
async function run(name: string, behave: (index: number) => HttpBehaviour, settings = {}, exporterOptions = {}) {
  backend = await startHttpBackend(behave);
  const tracer = otlpTracer(backend.url, 'otlp_http_protobuf', settings, exporterOptions);
  const started = Date.now();
  const produced = produce(tracer, SPANS);
  const flushed = await tracer.flush({ deadlineMs: 30_000 });
  const elapsed = Date.now() - started;
  await tracer.shutdown({ deadlineMs: 1000 });
  const stats = statsOf(tracer);
  lines.push(figures(name, stats, backend.received, `, requests ${backend.received.requests}`));
  return { stats, produced, flushed, elapsed, received: backend.received };
}

describe('HTTP backend faults (default retry and queue settings)', () => {
  it('healthy backend: everything is delivered once', async () => {
    const { stats, produced, flushed, received } = await run('healthy', () => ({ kind: 'ok' }));
    expect(flushed.ok).toBe(true);
    expect(stats.exportedSpans).toBe(SPANS);
    expectExactAccounting(stats, produced, received);
  });

  it('503 three times, then 200: retried, nothing lost', async () => {
    const { stats, produced, received } = await run('503 x3', (index) => (index < 3 ? { kind: 'status', status: 503 } : { kind: 'ok' }));
    expect(stats).toMatchObject({ exportedSpans: SPANS, droppedSpans: 0, failedSpans: 0, retries: 3 });
    expectExactAccounting(stats, produced, received);
  });

  it('429 with Retry-After: 1, then 200: waits as asked, nothing lost', async () => {
    const at: number[] = [];
    const { stats, produced, received } = await run('429 + Retry-After: 1', (index) => {
      at.push(Date.now());
      return index === 0 ? { kind: 'status', status: 429, headers: { 'retry-after': '1' } } : { kind: 'ok' };
    });
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(900);
    expect(stats).toMatchObject({ exportedSpans: SPANS, retries: 1 });
    expectExactAccounting(stats, produced, received);
  });

  it('400: fails at once, no retry, every span counted notRetryable', async () => {
    const { stats, produced, received } = await run('400', () => ({ kind: 'status', status: 400, body: 'bad request' }));
    expect(received.requests).toBe(2);
    expect(stats).toMatchObject({ exportedSpans: 0, failedSpans: SPANS, retries: 0 });
    expect(stats.lost.notRetryable).toBe(SPANS);
    expectExactAccounting(stats, produced, received);
  });

  it('hang twice (past the export deadline), then answer: retried, nothing lost or duplicated', async () => {
    const { stats, produced, received } = await run(
      'hang x2, exportTimeout 500 ms',
      (index) => (index < 2 ? { kind: 'hang' } : { kind: 'ok' }),
      { exportTimeout: 500 },
      { timeoutMs: 500 },
    );
    expect(stats).toMatchObject({ exportedSpans: SPANS, failedSpans: 0, retries: 2 });
    expectExactAccounting(stats, produced, received);
  });

  it('connection reset twice, then 200: retried, nothing lost', async () => {
    const { stats, produced, received } = await run('reset x2', (index) => (index < 2 ? { kind: 'reset' } : { kind: 'ok' }));
    expect(stats).toMatchObject({ exportedSpans: SPANS, failedSpans: 0, retries: 2 });
    expectExactAccounting(stats, produced, received);
  });

  it('backend never up, retry bound 2 s: every span counted retriesExhausted', async () => {
    const { stats, produced, received } = await run('503 forever, maxElapsedTime 2 s', () => ({ kind: 'status', status: 503 }), {
      retry: { maxElapsedTime: 2000 },
    });
    expect(stats.lost.retriesExhausted).toBe(SPANS);
    expect(stats.exportedSpans).toBe(0);
    expectExactAccounting(stats, produced, received);
  });

  // The two cases below hold once @trace/transport-http treats a 2xx as delivered however its body
  // arrives (bounded body reads, issue #15 item 4): on a transport that aborts the body read at
  // the deadline, the trickle case is resent and the oversized case counted as failed.
  it('200 whose body trickles in past the export deadline: delivered, counted once, not resent', async () => {
    const { stats, produced, received } = await run(
      '200 with trickling body (3 s, exportTimeout 1 s)',
      (index) => (index < 1 ? { kind: 'trickle', durationMs: 3000 } : { kind: 'ok' }),
      { exportTimeout: 1000 },
      { timeoutMs: 1000 },
    );
    expect(stats).toMatchObject({ exportedSpans: SPANS, failedSpans: 0 });
    expectExactAccounting(stats, produced, received);
  });

  it('200 with a 64 MiB body: delivered, counted once', async () => {
    const { stats, produced, received } = await run('200 with 64 MiB body', (index) =>
      index < 1 ? { kind: 'oversized', bytes: 64 * 1024 * 1024 } : { kind: 'ok' },
    );
    expect(stats).toMatchObject({ exportedSpans: SPANS, failedSpans: 0 });
    expectExactAccounting(stats, produced, received);
  });
});
