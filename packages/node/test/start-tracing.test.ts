import { ConsoleExporter, InMemoryExporter, W3CPropagator, globalTracer, setGlobalTracer } from '@trace/core';
import { startTracing } from '@trace/node';

function collect() {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => warnings.push(message) };
}

describe('startTracing', () => {
  const previous = globalTracer();
  afterEach(() => setGlobalTracer(previous));

  it('builds the global tracer from the environment; options win', async () => {
    const { warnings, warn } = collect();
    const memory = new InMemoryExporter();
    const handle = startTracing({
      env: { OTEL_SERVICE_NAME: 'from-env', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2', OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_TRACES_SAMPLER: 'always_off' },
      serviceName: 'from-code',
      exporters: [memory],
      shutdownHooks: false,
      warn,
    });
    expect(warnings).toEqual([]);
    expect(globalTracer()).toBe(handle.tracer);
    expect(handle.tracer.serviceName).toBe('from-code');
    expect(handle.tracer.startSpan('x').sampled).toBe(false); // sampler from the environment
    const sampledTracer = startTracing({ env: {}, exporters: [memory], shutdownHooks: false, setGlobal: false, exportSettings: { batchSize: 2 } }).tracer;
    sampledTracer.startSpan('a').end();
    sampledTracer.startSpan('b').end();
    await memory.waitForSpans(2, 2000); // a batch of 2 left without waiting for the interval
    expect((await handle.shutdown()).ok).toBe(true);
    expect((await handle.shutdown()).ok).toBe(true);
  });

  it('OTEL_TRACES_EXPORTER=console,none gives no exporter; console alone gives the console exporter', () => {
    const none = startTracing({ env: { OTEL_TRACES_EXPORTER: 'console,none' }, shutdownHooks: false, setGlobal: false });
    expect(none.exporters).toHaveLength(0);
    const consoleOnly = startTracing({ env: { OTEL_TRACES_EXPORTER: 'console' }, shutdownHooks: false, setGlobal: false });
    expect(consoleOnly.exporters[0]).toBeInstanceOf(ConsoleExporter);
  });

  it('OTEL_SDK_DISABLED gives a tracer that samples nothing and exports nowhere, context still flows', () => {
    const handle = startTracing({ env: { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'console' }, shutdownHooks: false, setGlobal: false });
    expect(handle.exporters).toHaveLength(0);
    const span = handle.tracer.startSpan('x');
    expect(span.sampled).toBe(false);
    const headers: Record<string, string> = {};
    handle.tracer.injectContext(span, headers);
    expect(headers.traceparent).toMatch(/-00$/);
  });

  it('OTEL_PROPAGATORS=tracecontext alone carries no baggage', () => {
    const handle = startTracing({ env: { OTEL_PROPAGATORS: 'tracecontext', OTEL_TRACES_EXPORTER: 'none' }, shutdownHooks: false, setGlobal: false });
    expect(handle.tracer.propagator).toBeInstanceOf(W3CPropagator);
    expect(handle.tracer.propagator.fields()).toEqual(['traceparent', 'tracestate']);
  });

  it('invalid batch settings in code warn and fall back instead of throwing', () => {
    const { warnings, warn } = collect();
    const handle = startTracing({ env: { OTEL_TRACES_EXPORTER: 'none' }, exportSettings: { batchSize: 0 }, shutdownHooks: false, setGlobal: false, warn });
    expect(handle.tracer).toBeDefined();
    expect(warnings[0]).toMatch(/batchSize/);
  });

  it('a logger that throws does not stop the app', () => {
    expect(() =>
      startTracing({
        env: { OTEL_TRACES_SAMPLER: 'bogus', OTEL_TRACES_EXPORTER: 'none' },
        shutdownHooks: false,
        setGlobal: false,
        warn: () => {
          throw new Error('logger down');
        },
      }),
    ).not.toThrow();
  });
});

describe('startTracing and its optional packages', () => {
  it('OTEL_PROPAGATORS beyond W3C loads @trace/context', () => {
    const { warnings, warn } = collect();
    const handle = startTracing({ env: { OTEL_PROPAGATORS: 'b3,tracecontext', OTEL_TRACES_EXPORTER: 'none' }, shutdownHooks: false, setGlobal: false, warn });
    expect(warnings).toEqual([]);
    expect(handle.tracer.propagator.fields()).toEqual(expect.arrayContaining(['b3', 'traceparent']));
  });

  it('OTEL_TRACES_EXPORTER=otlp,zipkin,jaeger builds the three exporters from their packages', async () => {
    const { warnings, warn } = collect();
    const handle = startTracing({ env: { OTEL_TRACES_EXPORTER: 'otlp,zipkin,jaeger' }, shutdownHooks: false, setGlobal: false, warn });
    expect(warnings).toEqual([]);
    expect(handle.exporters.map((exporter) => exporter.constructor.name)).toEqual(['OtlpExporter', 'ZipkinExporter', 'JaegerExporter']);
    await handle.shutdown({ deadlineMs: 1000 });
  });
});

describe('where warnings go by default', () => {
  let written: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    written = [];
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => spy.mockRestore());

  it('stderr, one line each, prefixed [trace]', () => {
    const handle = startTracing({ env: { OTEL_TRACES_SAMPLER: 'sometimes', OTEL_TRACES_EXPORTER: 'none' }, shutdownHooks: false, setGlobal: false });
    expect(written).toEqual([`[trace] ${handle.warnings[0]}\n`]);
  });

  it.each(['error', 'none'])('OTEL_LOG_LEVEL=%s keeps them off stderr, still in tracing.warnings', (level) => {
    const handle = startTracing({
      env: { OTEL_TRACES_SAMPLER: 'sometimes', OTEL_TRACES_EXPORTER: 'none', OTEL_LOG_LEVEL: level },
      shutdownHooks: false,
      setGlobal: false,
    });
    expect(written).toEqual([]);
    expect(handle.warnings).toHaveLength(1);
  });
});
