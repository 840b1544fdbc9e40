// check-graph.mjs against a copy of the workspace's packages (package.json and src), with one
// thing planted per case: the check must fail on what breaks the graph rule and pass otherwise.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '../../..');
// Each case parses every package's sources in a child process: seconds on a busy machine.
jest.setTimeout(60_000);
const SCRIPT = join(__dirname, '../check-graph.mjs');

interface Check {
  code: number;
  output: string;
}

function check(root: string): Promise<Check> {
  return new Promise((done) => {
    execFile(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : Number(error.code ?? 1), output: stdout + stderr });
    });
  });
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'trace-graph-'));
  for (const dir of readdirSync(join(REPO, 'packages'))) {
    const from = join(REPO, 'packages', dir);
    if (!existsSync(join(from, 'package.json'))) continue;
    mkdirSync(join(root, 'packages', dir), { recursive: true });
    cpSync(join(from, 'package.json'), join(root, 'packages', dir, 'package.json'));
    cpSync(join(from, 'src'), join(root, 'packages', dir, 'src'), { recursive: true });
  }
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function plant(file: string, text: string): void {
  writeFileSync(join(root, file), text);
}

function editPackage(dir: string, edit: (pkg: Record<string, Record<string, unknown>>) => void): void {
  const file = join(root, 'packages', dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  edit(pkg);
  writeFileSync(file, JSON.stringify(pkg));
}

it('passes on the repository as it is', async () => {
  const result = await check(REPO);
  expect(result.output).toMatch(/package graph: \d+ packages, acyclic; every @trace\/ name in \d+ source files is declared/);
  expect(result.code).toBe(0);
});

it('passes on the copy before anything is planted', async () => {
  expect((await check(root)).code).toBe(0);
});

it('fails when core names a package above it in a string, an import of any kind, a require or a template', async () => {
  const planted = {
    'plain-string': "export const exporterPackage = '@trace/exporter-otlp';\n",
    'static-import': "import { OtlpExporter } from '@trace/exporter-otlp';\nexport { OtlpExporter };\n",
    'type-import': "import type { OtlpExporter } from '@trace/exporter-otlp';\nexport type Planted = OtlpExporter;\n",
    'dynamic-import': "export const load = () => import('@trace/exporter-otlp');\n",
    require: "export const load = () => require('@trace/exporter-otlp');\n",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the planted source is a template literal
    template: 'export const hint = (verb: string) => `${verb} @trace/exporter-otlp`;\n',
  };
  for (const [name, source] of Object.entries(planted)) plant(`packages/core/src/${name}.ts`, source);
  const result = await check(root);
  expect(result.code).toBe(1);
  for (const name of Object.keys(planted)) {
    expect(result.output).toContain(
      `packages/core/src/${name}.ts:1: @trace/core names @trace/exporter-otlp in a string but does not declare it (dependencies or peerDependencies)`,
    );
  }
});

it('a comment may name any package', async () => {
  plant('packages/core/src/planted.ts', "// the OTLP exporter lives in '@trace/exporter-otlp'\nexport const planted = 1;\n");
  expect((await check(root)).code).toBe(0);
});

it('a package may name what it declares, and itself', async () => {
  plant('packages/exporter-otlp/src/planted.ts', "export const names = ['@trace/core', '@trace/transport-grpc', '@trace/exporter-otlp'];\n");
  expect((await check(root)).code).toBe(0);
});

it('a devDependency does not count for src', async () => {
  plant('packages/node/src/planted.ts', "export const grpc = '@trace/transport-grpc';\n");
  const result = await check(root);
  expect(result.code).toBe(1);
  expect(result.output).toContain('packages/node/src/planted.ts:1: @trace/node names @trace/transport-grpc');
});

it('only @trace/node may depend on an exporter, and only as an optional peer', async () => {
  editPackage('context', (pkg) => {
    pkg.dependencies = { ...pkg.dependencies, '@trace/exporter-zipkin': 'workspace:^' };
  });
  editPackage('node', (pkg) => {
    pkg.dependencies = { ...pkg.dependencies, '@trace/exporter-jaeger': 'workspace:^' };
  });
  const result = await check(root);
  expect(result.code).toBe(1);
  expect(result.output).toContain('@trace/context depends on exporter @trace/exporter-zipkin; only @trace/node may, as an optional peer');
  expect(result.output).toContain('@trace/node depends on exporter @trace/exporter-jaeger; only @trace/node may, as an optional peer');
});

it('fails on a cycle', async () => {
  editPackage('core', (pkg) => {
    pkg.dependencies = { '@trace/context': 'workspace:^' };
  });
  const result = await check(root);
  expect(result.code).toBe(1);
  expect(result.output).toMatch(
    /dependency cycle: .*@trace\/core -> @trace\/context -> @trace\/core|dependency cycle: .*@trace\/context -> @trace\/core -> @trace\/context/,
  );
});
