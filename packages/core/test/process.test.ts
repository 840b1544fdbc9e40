// Runs the built package in child processes: both module systems load it, and the export
// pipeline neither keeps a process alive nor loses spans when the process is told to stop.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const packageDir = join(__dirname, '..');
const built = existsSync(join(packageDir, 'dist/cjs/index.js')) && existsSync(join(packageDir, 'dist/esm/index.js'));

function run(args: string[], timeout = 10_000) {
  return spawnSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8', timeout });
}

const script = (entry: 'import' | 'require', body: string) =>
  entry === 'import'
    ? `import { Tracer, BaseSpanExporter, exportSucceeded } from '@trace/core';\n${body}`
    : `const { Tracer, BaseSpanExporter, exportSucceeded } = require('@trace/core');\n${body}`;

const PRINTING_EXPORTER = `
class PrintingExporter extends BaseSpanExporter {
  async send(spans) { process.stdout.write('exported ' + spans.map((s) => s.operationName).join(',') + '\\n'); return exportSucceeded(); }
}
`;

(built ? describe : describe.skip)('the built package', () => {
  it.each(['import', 'require'] as const)('loads through %s and traces', (entry) => {
    const body = `
      const tracer = new Tracer({ serviceName: 'svc' });
      const span = tracer.startSpan('op');
      const headers = {};
      tracer.injectContext(span, headers);
      process.stdout.write(JSON.stringify({ traceparent: headers.traceparent, kind: typeof Tracer }));
    `;
    const result = run(entry === 'import' ? ['--input-type=module', '-e', script(entry, body)] : ['-e', script(entry, body)]);
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout) as { traceparent: string; kind: string };
    expect(output.kind).toBe('function');
    expect(output.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('loads @trace/core/testing through both module systems', () => {
    const esm = run(['--input-type=module', '-e', "import { InMemoryExporter } from '@trace/core/testing'; console.log(typeof InMemoryExporter)"]);
    const cjs = run(['-e', "console.log(typeof require('@trace/core/testing').ManualScheduler)"]);
    expect(esm.stdout.trim()).toBe('function');
    expect(cjs.stdout.trim()).toBe('function');
  });

  it('spans and contexts from the CommonJS copy work with the ESM copy in one process', () => {
    const body = `
      import { createRequire } from 'node:module';
      import { Tracer, getCurrentSpan, isSpan } from '@trace/core';
      const cjs = createRequire(process.cwd() + '/package.json')('@trace/core');
      const esmTracer = new Tracer();
      const cjsTracer = new cjs.Tracer();
      const span = cjsTracer.startSpan('from-cjs');
      const child = esmTracer.startChildSpan(span, 'child-in-esm');
      const fromContext = esmTracer.startSpanFromContext(span.context(), 'from-context');
      const seen = cjsTracer.withSpan('current', () => getCurrentSpan()?.operationName);
      process.stdout.write(JSON.stringify({
        copies: cjs.Tracer !== Tracer, isSpan: isSpan(span), parent: child.parentSpanId === span.spanId,
        contextParent: fromContext.parentSpanId === span.spanId, finished: esmTracer.finishSpan(span).ok, seen,
      }));
    `;
    const result = run(['--input-type=module', '-e', body]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ copies: true, isSpan: true, parent: true, contextParent: true, finished: true, seen: 'current' });
  });

  it('pending spans never keep the process alive', () => {
    const body = `${PRINTING_EXPORTER}
      const tracer = new Tracer({ exporters: [new PrintingExporter()], exportSettings: { flushInterval: 60000 } });
      tracer.startSpan('queued').end();
    `;
    const started = Date.now();
    const result = run(['-e', script('require', body)]);
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('an awaited shutdown keeps the process alive through retry backoff, until its deadline', () => {
    const body = `
      let attempts = 0;
      class FailingExporter extends BaseSpanExporter {
        async send() { attempts++; return { ok: false, error: Object.assign(new Error('unavailable'), { code: 'HTTP_503', retryable: true, retryAfterMs: undefined }) }; }
      }
      const tracer = new Tracer({ exporters: [new FailingExporter()], exportSettings: { retry: { baseRetryDelay: 200, maxRetries: 3 } } });
      tracer.startSpan('doomed').end();
      // Nothing else keeps this process alive: only the shutdown that is being awaited.
      tracer.shutdown({ deadlineMs: 3000 }).then((result) => {
        process.stdout.write(JSON.stringify({ attempts, ok: result.ok, failed: tracer.getExportStats()[0].failedSpans }));
      });
    `;
    const result = run(['-e', script('require', body)]);
    expect(result.stderr).toContain('trace: FailingExporter: 1 span(s) failed: the backend stayed unavailable past the retry bounds [retriesExhausted]');
    expect(JSON.parse(result.stdout)).toEqual({ attempts: 4, ok: true, failed: 1 });
  });

  it.each([
    ['never answers', 'return new Promise(() => {});'],
    ['keeps failing retryably', "return { ok: false, error: { code: 'HTTP_503', message: 'unavailable', retryable: true } };"],
  ])('an exporter that %s never keeps the process alive once the app is done (default settings)', (_name, sendBody) => {
    const body = `
      class StuckExporter extends BaseSpanExporter { async send() { ${sendBody} } }
      const tracer = new Tracer({ exporters: [new StuckExporter()], exportSettings: { batchSize: 1 } });
      tracer.startSpan('lost-in-flight').end();
      setTimeout(() => process.stdout.write('app done'), 100);
    `;
    const started = Date.now();
    const result = run(['-e', script('require', body)], 20_000);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('app done');
    expect(Date.now() - started).toBeLessThan(10_000); // the export timeout is 30 s, the retry bound 5 min
  });

  it('a shutdown nobody awaits (keepProcessAlive: false) does not hold the process', () => {
    const body = `
      const { ExportPipeline, TraceError } = require('@trace/core');
      class StuckExporter extends BaseSpanExporter { async send() { return new Promise(() => {}); } }
      const pipeline = new ExportPipeline(new StuckExporter(), { batchSize: 1 });
      const span = new Tracer().startSpan('stuck');
      span.end();
      pipeline.enqueue(span); // in flight at once, never answered
      void pipeline.shutdown({ deadlineMs: 20000, keepProcessAlive: KEEP });
      setTimeout(() => process.stdout.write('app done'), 100);
    `;
    const started = Date.now();
    const result = run(['-e', script('require', body.replace('KEEP', 'false'))], 20_000);
    expect(result.stdout).toBe('app done');
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    // the same shutdown, awaited-style, holds the process up to its deadline
    const held = run(['-e', script('require', body.replace('KEEP', 'true').replace('20000', '2500'))], 20_000);
    expect(held.status).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(2400);
  });

  it('an awaited flush keeps the process alive until its deadline, not longer', () => {
    const body = `
      class StuckExporter extends BaseSpanExporter { async send() { return new Promise(() => {}); } }
      const tracer = new Tracer({ exporters: [new StuckExporter()] });
      tracer.startSpan('stuck').end();
      const started = Date.now();
      tracer.flush({ deadlineMs: 1500 }).then((result) => {
        process.stdout.write(JSON.stringify({ ok: result.ok, code: result.ok ? '' : result.error.code, waited: Date.now() - started >= 1400 }));
      });
    `;
    const started = Date.now();
    const result = run(['-e', script('require', body)], 20_000);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, code: 'FLUSH_DEADLINE_EXCEEDED', waited: true });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.each([
    [undefined, 1],
    ['none', 0],
    ['WARN', 1],
  ])('with OTEL_LOG_LEVEL=%s a lost span writes %i line(s) to stderr, without secrets', (level, lines) => {
    const body = `
      class RefusedExporter extends BaseSpanExporter {
        async send() { return { ok: false, error: { code: 'HTTP_401', message: 'https://u:hunter2@h/v1?k=hunter2 Bearer hunter2', retryable: false } }; }
      }
      const tracer = new Tracer({ exporters: [new RefusedExporter()] });
      tracer.startSpan('refused').end();
      tracer.flush().then(() => process.stdout.write(JSON.stringify(tracer.getExportStats()[0].lost)));
    `;
    const env = { ...process.env };
    delete env.OTEL_LOG_LEVEL;
    if (level !== undefined) env.OTEL_LOG_LEVEL = level;
    const result = spawnSync(process.execPath, ['-e', script('require', body)], { cwd: packageDir, encoding: 'utf8', timeout: 10_000, env });
    expect(JSON.parse(result.stdout)).toMatchObject({ notRetryable: 1 });
    const written = result.stderr.split('\n').filter((line) => line !== '');
    expect(written).toHaveLength(lines);
    if (lines > 0) expect(written[0]).toMatch(/^trace: RefusedExporter: 1 span\(s\) failed: .* \[notRetryable\] \(last error code HTTP_401\), 1 in total/);
    expect(result.stderr).not.toContain('hunter2');
  });

  it('installShutdownHooks flushes on SIGTERM, then the process ends by that signal', () => {
    const body = `${PRINTING_EXPORTER}
      const tracer = new Tracer({ exporters: [new PrintingExporter()], exportSettings: { flushInterval: 60000 } });
      tracer.installShutdownHooks({ signals: ['SIGTERM'], deadlineMs: 2000 });
      tracer.startSpan('a').end();
      tracer.startSpan('b').end();
      setInterval(() => {}, 1000); // the app keeps running until told to stop
      setTimeout(() => process.kill(process.pid, 'SIGTERM'), 50);
    `;
    const result = run(['-e', script('require', body)]);
    expect(result.stdout).toBe('exported a,b\n');
    expect(result.signal).toBe('SIGTERM');
  });

  it('installShutdownHooks flushes on beforeExit when the app simply ends', () => {
    const body = `${PRINTING_EXPORTER}
      const tracer = new Tracer({ exporters: [new PrintingExporter()], exportSettings: { flushInterval: 60000 } });
      tracer.installShutdownHooks();
      tracer.startSpan('last').end();
    `;
    const result = run(['--input-type=module', '-e', script('import', body)]);
    expect(result.stdout).toBe('exported last\n');
    expect(result.status).toBe(0);
  });
});

if (!built) {
  test.skip('the built package (run `pnpm build` first: dist/ is missing)', () => {});
}
