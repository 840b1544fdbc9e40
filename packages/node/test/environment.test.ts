import { spawnSync } from 'node:child_process';
import { readEnvironment, startTracing } from '@trace/node';
import { expectBuilt } from './built';

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

describe('OTEL_LOG_LEVEL', () => {
  it.each([
    ['debug', 'debug'],
    ['ERROR', 'error'],
    ['', undefined],
  ])('%j reads as %j', (value, level) => {
    const { warnings, warn } = collect();
    expect(readEnvironment({ OTEL_LOG_LEVEL: value }, warn).logLevel).toBe(level);
    expect(warnings).toEqual([]);
  });

  it('an unknown level warns and keeps the default', () => {
    const { warnings, warn } = collect();
    expect(readEnvironment({ OTEL_LOG_LEVEL: 'chatty' }, warn).logLevel).toBeUndefined();
    expect(warnings[0]).toMatch(/OTEL_LOG_LEVEL="chatty" is not one of none, error, warn/);
  });
});

describe('a malformed headers variable never shows a secret', () => {
  // A token written with ':' instead of '=' (the common mistake): the entry is a credential.
  const TOKEN = 'sk-live-9f8e7d6c5b4a3210';

  it.each(['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'])('%s: the warning names the entry by position, not its text', (name) => {
    const { warnings, warn } = collect();
    const settings = readEnvironment({ [name]: `x-tenant=blue,Authorization: Bearer ${TOKEN}` }, warn);
    expect(settings.otlp.headers).toEqual({ 'x-tenant': 'blue' });
    expect(warnings).toEqual([`${name}: ignoring entry 2 of 2, expected key=value (it has ':' where '=' belongs); its text is not shown`]);
    for (const warning of warnings) {
      expect(warning).not.toContain(TOKEN);
      expect(warning).not.toContain('Bearer');
    }
  });

  it('a bad percent-encoding names the key, not the value', () => {
    const { warnings, warn } = collect();
    readEnvironment({ OTEL_EXPORTER_OTLP_HEADERS: `authorization=${TOKEN}%zz` }, warn);
    expect(warnings).toEqual(['OTEL_EXPORTER_OTLP_HEADERS: ignoring the value of "authorization", its percent-encoding is malformed']);
  });

  it('startTracing keeps the token out of tracing.warnings and out of stderr (a real process)', () => {
    expectBuilt();
    const script = `
      const { startTracing } = require('@trace/node');
      const tracing = startTracing({ shutdownHooks: false, exporters: [] });
      process.stdout.write(JSON.stringify(tracing.warnings));
    `;
    const run = spawnSync(process.execPath, ['-e', script], {
      cwd: __dirname,
      encoding: 'utf8',
      timeout: 10_000,
      env: { PATH: process.env.PATH, OTEL_EXPORTER_OTLP_HEADERS: `Authorization: Bearer ${TOKEN}` },
    });
    expect(run.status).toBe(0);
    const warnings = JSON.parse(run.stdout) as string[];
    expect(warnings).toEqual(["OTEL_EXPORTER_OTLP_HEADERS: ignoring entry 1 of 1, expected key=value (it has ':' where '=' belongs); its text is not shown"]);
    expect(run.stderr).toContain('[trace] OTEL_EXPORTER_OTLP_HEADERS: ignoring entry 1 of 1');
    expect(run.stderr).not.toContain(TOKEN);
    expect(run.stdout).not.toContain(TOKEN);
  });

  it('in-process: the handle and the logger see no secret', () => {
    const { warnings, warn } = collect();
    const tracing = startTracing({
      env: { OTEL_EXPORTER_OTLP_HEADERS: `Authorization: Bearer ${TOKEN}`, OTEL_TRACES_EXPORTER: 'none' },
      shutdownHooks: false,
      setGlobal: false,
      warn,
    });
    expect(tracing.warnings).toHaveLength(1);
    expect(JSON.stringify([tracing.warnings, warnings])).not.toContain(TOKEN);
  });
});
