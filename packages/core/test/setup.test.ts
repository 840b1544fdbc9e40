import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConsoleExporter,
  InMemoryExporter,
  W3CPropagator,
  createExporter,
  getSupportedFormats,
  globalTracer,
  isPackageNotInstalled,
  readEnvironment,
  setGlobalTracer,
  startTracing,
} from '@trace/core';

function collect() {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => warnings.push(message) };
}

describe('readEnvironment', () => {
  it('reads every supported variable', () => {
    const { warnings, warn } = collect();
    const settings = readEnvironment(
      {
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,team=pay%20ments',
        OTEL_TRACES_EXPORTER: 'otlp, Zipkin,console',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-tenant=1',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=2',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans',
        OTEL_EXPORTER_JAEGER_ENDPOINT: 'jaeger:14250',
        OTEL_EXPORTER_JAEGER_PROTOCOL: 'grpc',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_PROPAGATORS: 'tracecontext,baggage,b3',
        OTEL_BSP_SCHEDULE_DELAY: '1000',
        OTEL_BSP_MAX_QUEUE_SIZE: '4096',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '256',
        OTEL_BSP_EXPORT_TIMEOUT: '10000',
      },
      warn,
    );
    expect(warnings).toEqual([]);
    expect(settings.serviceName).toBe('checkout');
    expect(settings.resourceAttributes).toEqual({ 'deployment.environment': 'prod', team: 'pay ments' });
    expect(settings.tracesExporters).toEqual(['otlp', 'zipkin', 'console']);
    expect(settings.otlp).toEqual({
      endpoint: 'http://collector:4318',
      format: 'otlp_http_json',
      headers: { authorization: 'Bearer abc', 'x-tenant': '2' },
      compression: true,
      timeoutMs: 2500,
    });
    expect(settings.zipkin.endpoint).toBe('http://zipkin:9411/api/v2/spans');
    expect(settings.jaeger).toEqual({ endpoint: 'jaeger:14250', format: 'jaeger_grpc' });
    expect(settings.sampler?.toString()).toBe('ParentBased{root=TraceIdRatioBased{0.25}}');
    expect(settings.propagators).toEqual(['tracecontext', 'baggage', 'b3']);
    expect(settings.batch).toEqual({ flushInterval: 1000, maxQueueSize: 4096, batchSize: 256, exportTimeout: 10000 });
  });

  it('the signal-specific OTLP variables win over the generic ones', () => {
    const { warn } = collect();
    const settings = readEnvironment(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      },
      warn,
    );
    expect(settings.otlp.endpoint).toBe('http://b:4318/custom');
    expect(settings.otlp.format).toBe('otlp_http_protobuf');
  });

  it.each([
    ['OTEL_TRACES_SAMPLER', 'sometimes', /not a known sampler/],
    ['OTEL_BSP_MAX_QUEUE_SIZE', 'lots', /not a positive integer/],
    ['OTEL_BSP_SCHEDULE_DELAY', '-5', /not a positive integer/],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'carrier-pigeon', /not grpc, http\/protobuf or http\/json/],
    ['OTEL_EXPORTER_OTLP_COMPRESSION', 'brotli', /not gzip or none/],
    ['OTEL_EXPORTER_JAEGER_PROTOCOL', 'udp/thrift.compact', /not http\/thrift.binary or grpc/],
    ['OTEL_SDK_DISABLED', 'maybe', /not true or false/],
    ['OTEL_TRACES_EXPORTER', 'otlp,carrier', /unknown exporter\(s\) carrier/],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'novalue', /expected key=value/],
  ])('%s=%s gives one clear warning and the default', (name, value, pattern) => {
    const { warnings, warn } = collect();
    const settings = readEnvironment({ [name]: value }, warn);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(pattern);
    expect(settings.disabled).toBe(false);
  });

  it('OTEL_TRACES_SAMPLER_ARG out of range falls back to 1 with a warning', () => {
    const { warnings, warn } = collect();
    const settings = readEnvironment({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '7' }, warn);
    expect(settings.sampler?.toString()).toBe('TraceIdRatioBased{1}');
    expect(warnings[0]).toMatch(/between 0 and 1/);
  });
});

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

describe('exporter factory', () => {
  it('lists the formats of each backend (seed §5.4)', () => {
    expect(getSupportedFormats('jaeger')).toEqual(['jaeger_thrift', 'jaeger_grpc']);
    expect(getSupportedFormats('zipkin')).toEqual(['zipkin_json', 'zipkin_protobuf']);
    expect(getSupportedFormats('otlp')).toEqual(['otlp_grpc', 'otlp_http_json', 'otlp_http_protobuf']);
  });

  it('an unknown format is an error naming the supported ones', () => {
    const result = createExporter({ endpoint: 'http://x', format: 'carrier_pigeon' as never });
    expect(!result.ok && result.error.code).toBe('UNKNOWN_FORMAT');
    expect(!result.ok && result.error.message).toContain('zipkin_json');
  });

  const built = existsSync(join(__dirname, '../dist/cjs/index.js'));
  (built ? it : it.skip)('an exporter package that is not installed is an error naming it', () => {
    // core's own folder has no exporter packages installed: exactly an app that forgot one
    const script = `const { createExporter, startTracing } = require('@trace/core');
      const result = createExporter({ endpoint: 'http://127.0.0.1:9411', format: 'zipkin_json' });
      const warnings = [];
      startTracing({ env: { OTEL_TRACES_EXPORTER: 'jaeger' }, shutdownHooks: false, warn: (m) => warnings.push(m) });
      process.stdout.write(JSON.stringify({ code: result.error.code, message: result.error.message, warnings }));`;
    // NODE_PATH (set by npx / pnpm) would let the child find packages an app would not.
    const run = spawnSync(process.execPath, ['-e', script], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 10_000,
      env: { ...process.env, NODE_PATH: '' },
    });
    expect(run.stderr).toBe('');
    const output = JSON.parse(run.stdout) as { code: string; message: string; warnings: string[] };
    expect(output.code).toBe('EXPORTER_NOT_INSTALLED');
    expect(output.message).toBe('format zipkin_json needs @trace/exporter-zipkin: npm install @trace/exporter-zipkin');
    expect(output.warnings).toEqual([
      'jaeger_thrift exporter not started: format jaeger_thrift needs @trace/exporter-jaeger: npm install @trace/exporter-jaeger',
    ]);
  });
});

describe('isPackageNotInstalled', () => {
  // A folder with one package that is installed but needs a module that is not.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trace-optional-'));
    const broken = join(dir, 'node_modules', 'broken-install');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'package.json'), JSON.stringify({ name: 'broken-install', main: 'index.js' }));
    writeFileSync(join(broken, 'index.js'), "require('dependency-that-is-missing');\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function requireError(name: string): unknown {
    try {
      createRequire(join(dir, 'index.js'))(name);
    } catch (error) {
      return error;
    }
    throw new Error(`${name} loaded`);
  }

  it('tells a missing package from an installed one that fails to load (require)', () => {
    expect(isPackageNotInstalled(requireError('package-that-is-absent'), 'package-that-is-absent')).toBe(true);
    // The require stack of this error names broken-install's own path: that must not count.
    const broken = requireError('broken-install');
    expect(String(broken)).toContain('broken-install');
    expect(isPackageNotInstalled(broken, 'broken-install')).toBe(false);
    expect(isPackageNotInstalled(new Error("Cannot find module 'x'"), 'x')).toBe(false); // no code: not Node's
  });

  const built = existsSync(join(__dirname, '../dist/cjs/index.js'));
  (built ? it : it.skip)('does the same for import() in a plain Node process', () => {
    const core = pathToFileURL(join(__dirname, '../dist/cjs/index.js')).href;
    writeFileSync(
      join(dir, 'check.mjs'),
      `import core from '${core}';
      const verdict = async (name) => { try { await import(name); return 'loaded'; } catch (error) { return core.isPackageNotInstalled(error, name); } };
      process.stdout.write(JSON.stringify([await verdict('package-that-is-absent'), await verdict('broken-install')]));`,
    );
    const run = spawnSync(process.execPath, [join(dir, 'check.mjs')], { cwd: dir, encoding: 'utf8', timeout: 10_000, env: { ...process.env, NODE_PATH: '' } });
    expect(JSON.parse(run.stdout)).toEqual([true, false]);
  });
});
