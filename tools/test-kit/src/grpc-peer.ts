// The optional @trace/transport-grpc peer as an app meets it: an exporter's built package copied
// into an app folder outside the repository, run by plain Node from `import` and from `require`,
// with the peer absent, broken, throwing at load, too old, or present. Both exporters with a gRPC
// format run these same cases. `pnpm test` builds first (turbo); run `pnpm build` before jest.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One exporter package with a gRPC format. */
export interface GrpcPeerCase {
  /** `@trace/exporter-otlp` */
  readonly packageName: string;
  /** Its folder (holding package.json and dist/). */
  readonly packageDir: string;
  /** The workspace packages it imports, by folder name under packages/, linked into the app. */
  readonly linked: readonly string[];
  /** The exporter's class name and a constructor call for its gRPC format. */
  readonly exporterClass: string;
  readonly newExporter: string;
  /** `service/method` the export calls. */
  readonly grpcCall: string;
}

/** Defines the loading cases for one exporter package. */
export function describeGrpcPeerLoading(config: GrpcPeerCase): void {
  const PACKAGE = config.packageName;
  const PACKAGE_DIR = config.packageDir;
  const PACKAGES_DIR = join(PACKAGE_DIR, '..');
  const LINKED = config.linked;
  const NEW_EXPORTER = config.newExporter;
  const EXPORTER_CLASS = config.exporterClass;
  const GRPC_CALL = config.grpcCall;

  /** What the app prints: the export's outcome and the causes under its error. */
  interface Outcome {
    ok: boolean;
    code?: string;
    retryable?: boolean;
    message?: string;
    cause?: { name: string; code: string; packageName: string; message: string };
    rootCause?: { code?: string; message: string };
    sent?: string[];
  }

  const EXPORT_ONE_SPAN = `
  const tracer = new Tracer({ serviceName: 'svc' });
  const span = tracer.startSpan('op', { parent: null });
  span.end();
  const exporter = ${NEW_EXPORTER};
  const result = await exporter.exportSpans([span]);
  await exporter.shutdown();
  const error = result.ok ? undefined : result.error;
  const cause = error?.cause;
  process.stdout.write(JSON.stringify({
    ok: result.ok,
    code: error?.code,
    retryable: error?.retryable,
    message: error?.message,
    cause: cause && { name: cause.name, code: cause.code, packageName: cause.packageName, message: cause.message },
    rootCause: cause?.cause && { code: cause.cause.code, message: cause.cause.message },
    sent: globalThis.grpcCalls,
  }));
  `;

  const SCRIPTS = {
    esm: ['app.mjs', `import { Tracer } from '@trace/core';\nimport { ${EXPORTER_CLASS} } from '${PACKAGE}';\n${EXPORT_ONE_SPAN}`],
    cjs: [
      'app.cjs',
      `const { Tracer } = require('@trace/core');\nconst { ${EXPORTER_CLASS} } = require('${PACKAGE}');\n(async () => {\n${EXPORT_ONE_SPAN}\n})();`,
    ],
  } as const;

  /** Versions of the peer, each a CommonJS package (which `import` loads too). */
  const PEERS: Record<string, string | undefined> = {
    missing: undefined,
    broken: "require('@grpc/grpc-js');\nexports.createDefaultGrpcTransport = () => ({});\n",
    throwing: "throw new Error('boom at load');\n",
    old: 'exports.createGrpcTransport = () => ({});\n',
    working: `exports.createDefaultGrpcTransport = () => ({
    connect: () => ({ ok: true, value: undefined }),
    send: async (request) => {
      (globalThis.grpcCalls ??= []).push(request.service + '/' + request.method);
      return { ok: true, value: { body: new Uint8Array(0), metadata: {} } };
    },
    close: async () => {},
  });
  `,
  };

  let root: string;
  beforeAll(() => {
    for (const dir of [PACKAGE_DIR, ...LINKED.map((name) => join(PACKAGES_DIR, name))]) {
      for (const entry of ['dist/cjs/index.js', 'dist/esm/index.js']) {
        if (!existsSync(join(dir, entry))) throw new Error(`${dir} is not built (${entry} is missing): run pnpm build first`);
      }
    }
    root = mkdtempSync(join(tmpdir(), 'trace-grpc-peer-'));
    for (const [name, peer] of Object.entries(PEERS)) {
      const app = join(root, name);
      const copy = join(app, 'node_modules', PACKAGE);
      mkdirSync(copy, { recursive: true });
      cpSync(join(PACKAGE_DIR, 'package.json'), join(copy, 'package.json'));
      cpSync(join(PACKAGE_DIR, 'dist'), join(copy, 'dist'), { recursive: true });
      for (const linked of LINKED) symlinkSync(join(PACKAGES_DIR, linked), join(app, 'node_modules/@trace', linked), 'dir');
      if (peer !== undefined) {
        const peerDir = join(app, 'node_modules/@trace/transport-grpc');
        mkdirSync(peerDir);
        writeFileSync(join(peerDir, 'package.json'), JSON.stringify({ name: '@trace/transport-grpc', version: '0.0.0', main: 'index.js' }));
        writeFileSync(join(peerDir, 'index.js'), peer);
      }
      for (const [file, source] of Object.values(SCRIPTS)) writeFileSync(join(app, file), source);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function run(app: string, flavour: keyof typeof SCRIPTS): Outcome {
    const dir = join(root, app);
    const output = execFileSync(process.execPath, [join(dir, SCRIPTS[flavour][0])], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 10_000,
      env: { ...process.env, NODE_PATH: '', NODE_OPTIONS: '' },
    });
    return JSON.parse(output) as Outcome;
  }

  describe.each(['esm', 'cjs'] as const)('the optional gRPC peer, loaded by plain Node (%s)', (flavour) => {
    it('missing: PACKAGE_NOT_INSTALLED with the install line, not retryable', () => {
      const outcome = run('missing', flavour);
      expect(outcome).toMatchObject({ ok: false, code: 'PACKAGE_NOT_INSTALLED', retryable: false });
      expect(outcome.message).toContain('npm install @trace/transport-grpc');
      expect(outcome.message).toContain('or pass a GrpcTransport');
      expect(outcome.cause).toEqual({
        name: 'OptionalPackageError',
        code: 'PACKAGE_NOT_INSTALLED',
        packageName: '@trace/transport-grpc',
        message: '@trace/transport-grpc is not installed: npm install @trace/transport-grpc',
      });
    });

    it('installed but a dependency of it missing: PACKAGE_LOAD_FAILED naming what is missing, with the cause', () => {
      const outcome = run('broken', flavour);
      expect(outcome).toMatchObject({ ok: false, code: 'PACKAGE_LOAD_FAILED', retryable: false });
      expect(outcome.message).toContain("'@grpc/grpc-js'");
      expect(outcome.message).not.toContain('npm install @trace/transport-grpc');
      expect(outcome.cause).toMatchObject({ name: 'OptionalPackageError', code: 'PACKAGE_LOAD_FAILED', packageName: '@trace/transport-grpc' });
      expect(outcome.rootCause?.code).toMatch(/^(ERR_)?MODULE_NOT_FOUND$/);
    });

    it('throwing at load: PACKAGE_LOAD_FAILED, the thrown error as the cause', () => {
      const outcome = run('throwing', flavour);
      expect(outcome).toMatchObject({ ok: false, code: 'PACKAGE_LOAD_FAILED', retryable: false });
      expect(outcome.message).toContain('boom at load');
      expect(outcome.rootCause?.message).toBe('boom at load');
    });

    it('a version without createDefaultGrpcTransport: PACKAGE_LOAD_FAILED saying so', () => {
      const outcome = run('old', flavour);
      expect(outcome).toMatchObject({ ok: false, code: 'PACKAGE_LOAD_FAILED', retryable: false });
      expect(outcome.message).toContain('createDefaultGrpcTransport');
    });

    it('present: the export goes through its default transport', () => {
      expect(run('working', flavour)).toMatchObject({ ok: true, sent: [GRPC_CALL] });
    });
  });
}
