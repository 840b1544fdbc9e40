// Apps run as child processes from folders outside the repository, as a user's service would:
// @trace/node finds its optional packages from its own folder (not the app's current directory),
// tells a missing package from a broken one, and `@trace/node/register` starts tracing from the
// environment under `-r`, `--import` and NODE_OPTIONS. Spans go to a loopback OTLP receiver and
// are decoded with the official OTLP protos.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { otlpTraceRequestType } from '@trace-tools/test-kit';
import { PACKAGE_DIR, expectBuilt } from './built';
import { type Receiver, startReceiver } from './receiver';

const PACKAGES_DIR = resolve(PACKAGE_DIR, '..');
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args` in `cwd`, with only the variables given (no NODE_PATH to find what an app would not). */
function runNode(cwd: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd, encoding: 'utf8', timeout: 15_000, env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

let root: string;
/** An app folder whose node_modules links @trace/node and @trace/core from the workspace, as a package manager installs them. */
let linkedApp: string;
/** An app folder with a copy of @trace/node and nothing of its optional peers but a broken @trace/exporter-zipkin. */
let bareApp: string;

beforeAll(() => {
  expectBuilt();
  root = mkdtempSync(join(tmpdir(), 'trace-node-'));
  linkedApp = join(root, 'linked-app');
  mkdirSync(join(linkedApp, 'node_modules/@trace'), { recursive: true });
  symlinkSync(PACKAGE_DIR, join(linkedApp, 'node_modules/@trace/node'), 'dir');
  symlinkSync(join(PACKAGES_DIR, 'core'), join(linkedApp, 'node_modules/@trace/core'), 'dir');

  bareApp = join(root, 'bare-app');
  const bareNode = join(bareApp, 'node_modules/@trace/node');
  mkdirSync(bareNode, { recursive: true });
  cpSync(join(PACKAGE_DIR, 'package.json'), join(bareNode, 'package.json'));
  cpSync(join(PACKAGE_DIR, 'dist'), join(bareNode, 'dist'), { recursive: true });
  symlinkSync(join(PACKAGES_DIR, 'core'), join(bareApp, 'node_modules/@trace/core'), 'dir');
  writeFiles(join(bareApp, 'node_modules/@trace/exporter-zipkin'), {
    'package.json': JSON.stringify({ name: '@trace/exporter-zipkin', version: '0.0.0', main: 'index.js' }),
    'index.js': "require('zipkin-dependency-that-is-missing');\nexports.ZipkinExporter = class {};\n",
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface DecodedSpan {
  name: string;
  service: string | undefined;
}

/** Every span in the OTLP protobuf requests received, with its resource's service.name. */
function decodeSpans(receiver: Receiver): DecodedSpan[] {
  const request = otlpTraceRequestType();
  const spans: DecodedSpan[] = [];
  for (const received of receiver.requests) {
    expect(received.path).toBe('/v1/traces');
    expect(received.contentType).toBe('application/x-protobuf');
    const message = request.toObject(request.decode(received.body)) as {
      resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string }[] }[] }[];
    };
    for (const resourceSpans of message.resourceSpans) {
      const service = resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue;
      for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) spans.push({ name: span.name, service });
    }
  }
  return spans;
}

describe('exporting to a loopback OTLP receiver from a folder outside the repository', () => {
  let receiver: Receiver;
  let env: Record<string, string>;
  beforeEach(async () => {
    receiver = await startReceiver();
    env = { OTEL_SERVICE_NAME: 'elsewhere', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' };
  });
  afterEach(() => receiver.close());

  it.each([
    ['app.mjs', "import { startTracing } from '@trace/node';"],
    ['app.cjs', "const { startTracing } = require('@trace/node');"],
  ])('%s starts tracing through @trace/node, and the exporter is found', async (file, load) => {
    writeFiles(linkedApp, {
      [file]: `${load}
        (async () => {
          const tracing = startTracing({ shutdownHooks: false });
          tracing.tracer.startSpan('from-${file}').end();
          const result = await tracing.shutdown({ deadlineMs: 5000 });
          process.stdout.write(JSON.stringify({ ok: result.ok, warnings: tracing.warnings, exporters: tracing.exporters.map((e) => e.constructor.name) }));
        })();`,
    });
    const run = await runNode(linkedApp, [file], env);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, warnings: [], exporters: ['OtlpExporter'] });
    await receiver.waitFor(1);
    expect(decodeSpans(receiver)).toEqual([{ name: `from-${file}`, service: 'elsewhere' }]);
  });

  it.each([
    ['-r', 'app.cjs', ['-r', '@trace/node/register', 'app.cjs'], {}],
    ['--import', 'app.mjs', ['--import', '@trace/node/register', 'app.mjs'], {}],
    ['NODE_OPTIONS=-r', 'app.cjs', ['app.cjs'], { NODE_OPTIONS: '-r @trace/node/register' }],
    ['NODE_OPTIONS=--import', 'app.mjs', ['app.mjs'], { NODE_OPTIONS: '--import @trace/node/register' }],
  ])('register through %s (%s): a manual span reaches the receiver when the app exits', async (_how, file, args, extraEnv) => {
    writeFiles(linkedApp, {
      'app.cjs': "require('@trace/core').globalTracer().startSpan('registered-app.cjs').end();\n",
      'app.mjs': "import { globalTracer } from '@trace/core';\nglobalTracer().startSpan('registered-app.mjs').end();\n",
    });
    const run = await runNode(linkedApp, args, { ...env, ...extraEnv });
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' }); // and no word about HTTP: OTEL_LOG_LEVEL did not ask
    await receiver.waitFor(1);
    expect(decodeSpans(receiver)).toEqual([{ name: `registered-${file}`, service: 'elsewhere' }]);
  });
});

describe('register, loaded more than once', () => {
  it('starts tracing once, whichever builds load it, and hands out the same handle', async () => {
    writeFiles(linkedApp, {
      'twice.mjs': `import { createRequire } from 'node:module';
        import { tracing } from '@trace/node/register';
        import { globalTracer } from '@trace/core';
        const fromRequire = createRequire(import.meta.url)('@trace/node/register').tracing;
        process.stdout.write(JSON.stringify({ same: fromRequire === tracing, global: globalTracer() === tracing.tracer }));\n`,
    });
    const run = await runNode(linkedApp, ['-r', '@trace/node/register', '--import', '@trace/node/register', 'twice.mjs'], { OTEL_TRACES_EXPORTER: 'none' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ same: true, global: true });
  });
});

describe('optional packages as Node resolves them from @trace/node', () => {
  const script = `
    const result = (format, endpoint) => {
      const created = createExporter({ endpoint, format });
      return created.ok ? 'ok' : { code: created.error.code, message: created.error.message };
    };
    const tracing = startTracing({
      env: { OTEL_TRACES_EXPORTER: 'otlp,zipkin', OTEL_PROPAGATORS: 'b3' },
      instrumentHttp: true,
      shutdownHooks: false,
      warn: () => {},
    });
    process.stdout.write(JSON.stringify({
      missing: result('otlp_http_protobuf', 'http://127.0.0.1:9'),
      broken: result('zipkin_json', 'http://127.0.0.1:9/api/v2/spans'),
      resource: defaultResource('bare').attributes,
      warnings: tracing.warnings,
      httpInstrumented: tracing.httpInstrumented,
    }));
  `;

  it('a missing package names the one to install; a broken one carries the loader message', async () => {
    writeFiles(bareApp, {
      'check.cjs': `const { createExporter, startTracing, defaultResource } = require('@trace/node');\n${script}`,
      'check.mjs': `import { createExporter, startTracing, defaultResource } from '@trace/node';\n${script}`,
    });
    for (const file of ['check.cjs', 'check.mjs']) {
      const run = await runNode(bareApp, [file], {});
      expect(run.stderr).toBe('');
      const output = JSON.parse(run.stdout);
      expect(output.missing).toEqual({
        code: 'EXPORTER_NOT_INSTALLED',
        message: 'format otlp_http_protobuf needs @trace/exporter-otlp: npm install @trace/exporter-otlp',
      });
      expect(output.broken.code).toBe('EXPORTER_LOAD_FAILED');
      expect(output.broken.message).toMatch(
        /^format zipkin_json: @trace\/exporter-zipkin is installed but failed to load: Cannot find module 'zipkin-dependency-that-is-missing'/,
      );
      // No @trace/otel-adapter: the same resource keys, built by @trace/node itself.
      expect(output.resource).toEqual({ 'service.name': 'bare', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'trace' });
      expect(output.warnings).toEqual([
        'otlp_http_protobuf exporter not started: format otlp_http_protobuf needs @trace/exporter-otlp: npm install @trace/exporter-otlp',
        expect.stringMatching(
          /^zipkin_json exporter not started: format zipkin_json: @trace\/exporter-zipkin is installed but failed to load: Cannot find module/,
        ),
        'OTEL_PROPAGATORS names b3; formats other than tracecontext and baggage need @trace/context: npm install @trace/context. Using tracecontext,baggage',
        'HTTP not instrumented: @trace/instrumentation-http is not installed: npm install @trace/instrumentation-http',
      ]);
      expect(output.httpInstrumented).toBe(false);
    }
  });

  it('register without @trace/instrumentation-http starts tracing silently, and says so once when OTEL_LOG_LEVEL=info', async () => {
    writeFiles(bareApp, { 'app.cjs': "require('@trace/core').globalTracer().startSpan('bare-span').end();\n" });
    const env = { OTEL_TRACES_EXPORTER: 'console', OTEL_BSP_SCHEDULE_DELAY: '50' };
    const quiet = await runNode(bareApp, ['-r', '@trace/node/register', 'app.cjs'], env);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('bare-span'); // the console exporter's tree: tracing did start
    const told = await runNode(bareApp, ['-r', '@trace/node/register', 'app.cjs'], { ...env, OTEL_LOG_LEVEL: 'info' });
    expect(told.stderr).toBe('[trace] HTTP not instrumented: @trace/instrumentation-http is not installed (npm install @trace/instrumentation-http)\n');
    expect(told.stdout).toContain('bare-span');
  });
});

describe('HTTP instrumentation through @trace/instrumentation-http', () => {
  // A stand-in with the package's API, recording what it is given.
  let app: string;
  beforeAll(() => {
    app = join(root, 'instrumented-app');
    const copy = join(app, 'node_modules/@trace/node');
    mkdirSync(copy, { recursive: true });
    cpSync(join(PACKAGE_DIR, 'package.json'), join(copy, 'package.json'));
    cpSync(join(PACKAGE_DIR, 'dist'), join(copy, 'dist'), { recursive: true });
    symlinkSync(join(PACKAGES_DIR, 'core'), join(app, 'node_modules/@trace/core'), 'dir');
    writeFiles(join(app, 'node_modules/@trace/instrumentation-http'), {
      'package.json': JSON.stringify({ name: '@trace/instrumentation-http', version: '0.0.0', main: 'index.js' }),
      'index.js': `exports.instrumentHttp = (tracer, options) => {
        globalThis.instrumented = { serviceName: tracer.serviceName, options: options ?? null, disabled: false };
        return { disable() { globalThis.instrumented.disabled = true; } };
      };\n`,
    });
  });

  it('register instruments HTTP with the global tracer when the package is installed', async () => {
    writeFiles(app, {
      'app.mjs': `import { globalTracer } from '@trace/core';
        process.stdout.write(JSON.stringify({ ...globalThis.instrumented, same: globalTracer().serviceName === globalThis.instrumented.serviceName }));\n`,
    });
    const run = await runNode(app, ['--import', '@trace/node/register', 'app.mjs'], { OTEL_TRACES_EXPORTER: 'none', OTEL_SERVICE_NAME: 'web' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ serviceName: 'web', options: null, disabled: false, same: true });
  });

  it('startTracing hands the options over, and shutdown disables the instrumentation', async () => {
    writeFiles(app, {
      'app.cjs': `const { startTracing } = require('@trace/node');
        const tracing = startTracing({ env: { OTEL_TRACES_EXPORTER: 'none' }, instrumentHttp: { ignoreIncoming: ['/health'] }, shutdownHooks: false });
        const before = { ...globalThis.instrumented };
        tracing.shutdown().then(() => process.stdout.write(JSON.stringify({ before, after: globalThis.instrumented, on: tracing.httpInstrumented })));\n`,
    });
    const run = await runNode(app, ['app.cjs'], {});
    expect(run.stderr).toBe('');
    const output = JSON.parse(run.stdout);
    expect(output.on).toBe(true);
    expect(output.before).toEqual({ serviceName: 'unknown_service:node', options: { ignoreIncoming: ['/health'] }, disabled: false });
    expect(output.after.disabled).toBe(true);
  });
});

describe('zero-code start with the real @trace/instrumentation-http', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  it.each([
    ['--import', 'server.mjs', ['--import', '@trace/node/register', 'server.mjs']],
    ['-r', 'server.cjs', ['-r', '@trace/node/register', 'server.cjs']],
  ])('node %s @trace/node/register (%s): an app that never mentions tracing gets server and client spans in one trace', async (_how, _file, args) => {
    const body = `const server = http.createServer((request, response) => response.end('ok'));
      server.listen(0, '127.0.0.1', async () => {
        const response = await fetch('http://127.0.0.1:' + server.address().port + '/hello?token=s3cret');
        await response.text();
        server.close();
      });\n`;
    writeFiles(linkedApp, { 'server.mjs': `import http from 'node:http';\n${body}`, 'server.cjs': `const http = require('node:http');\n${body}` });
    const run = await runNode(linkedApp, args, { OTEL_SERVICE_NAME: 'zero-code', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' });
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    await receiver.waitFor(1);
    const type = otlpTraceRequestType();
    const spans: { name: string; kind: number; traceId: string; spanId: string; parentSpanId: string; path: string | undefined }[] = [];
    for (const received of receiver.requests) {
      const message = type.toObject(type.decode(received.body), { bytes: String }) as {
        resourceSpans: {
          scopeSpans: {
            spans: {
              name: string;
              kind: number;
              traceId: string;
              spanId: string;
              parentSpanId?: string;
              attributes: { key: string; value: { stringValue?: string } }[];
            }[];
          }[];
        }[];
      };
      for (const resource of message.resourceSpans)
        for (const scope of resource.scopeSpans)
          for (const span of scope.spans)
            spans.push({
              name: span.name,
              kind: span.kind,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              path: span.attributes.find((attribute) => attribute.key === 'url.path')?.value.stringValue,
            });
    }
    const server = spans.find((span) => span.kind === 2);
    const client = spans.find((span) => span.kind === 3);
    // the exporter's own request made no span: exactly the app's two
    expect(spans).toHaveLength(2);
    expect(server?.path).toBe('/hello');
    expect(client?.path).toBe('/hello');
    expect(server?.traceId).toBe(client?.traceId);
    expect(server?.parentSpanId).toBe(client?.spanId);
    expect(JSON.stringify(spans)).not.toContain('s3cret');
  });
});
