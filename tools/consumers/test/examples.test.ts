// How a README example becomes the files the consumer check runs, and that every published
// package's README still has an example its case can adapt (so a README edit that breaks the
// check fails here, in seconds, before CI installs anything).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Rendered {
  mjs: string;
  cjs: string;
  mts: string;
  cts: string;
}
type Outcome = { ok: true; value: string } | { ok: false; error: string };
interface Examples {
  firstExample(markdown: string): string | undefined;
  replaceLiterals(code: string, replacements: [string, string][]): Outcome;
  renderExample(code: string, stripTypes: (code: string) => string): Rendered;
}
interface Case {
  role: 'script' | 'preload' | 'server';
  replace?: (r: Record<string, string | number>) => [string, string][];
}

const examples: Examples = require('../examples.cjs');
const { CASES }: { CASES: Record<string, Case> } = require('../cases.cjs');
const REPO = join(__dirname, '../../..');
const keepCode = (code: string) => code;

describe('firstExample', () => {
  it('takes the first ts or js block, after blocks in other languages', () => {
    const markdown = [
      '# pkg',
      '```sh',
      'npm install x',
      '```',
      '```text',
      'out',
      '```',
      '```ts',
      "import { a } from 'x';",
      '```',
      '```js',
      'second();',
      '```',
    ].join('\n');
    expect(examples.firstExample(markdown)).toBe("import { a } from 'x';\n");
  });

  it('reads CRLF files and says when there is no example', () => {
    expect(examples.firstExample('```js\r\nrun();\r\n```\r\n')).toBe('run();\n');
    expect(examples.firstExample('# nothing\n```sh\nls\n```\n')).toBeUndefined();
  });
});

describe('replaceLiterals', () => {
  it('replaces each literal once, even one with $ patterns in the replacement', () => {
    const result = examples.replaceLiterals("connect('host:1'); listen(8080);", [
      ["'host:1'", "'127.0.0.1:$&'"],
      ['8080', '0'],
    ]);
    expect(result).toEqual({ ok: true, value: "connect('127.0.0.1:$&'); listen(0);" });
  });

  it('fails, naming the literal, when it is missing or there twice', () => {
    const missing = examples.replaceLiterals('a()', [["'x'", "'y'"]]);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error).toBe(`expected "'x'" once in the example, found it 0 times`);
    const twice = examples.replaceLiterals("'x' + 'x'", [["'x'", "'y'"]]);
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.error).toContain('found it 2 times');
  });
});

describe('renderExample', () => {
  it('turns imports into requires, keeping aliases, and wraps top-level await for CommonJS', () => {
    const code = [
      "import { a, b as c } from 'one';",
      "import '@scope/register';",
      "import * as ns from 'two';",
      "import Default from 'three';",
      '',
      'await a(c, ns, Default);',
    ].join('\n');
    const { mjs, cjs } = examples.renderExample(code, keepCode);
    expect(mjs).toContain("import { a, b as c } from 'one';\nimport '@scope/register';\nimport * as ns from 'two';\nimport Default from 'three';\n");
    expect(cjs).toContain("const { a, b: c } = require('one');\nrequire('@scope/register');\nconst ns = require('two');\nconst Default = require('three');\n");
    expect(cjs).toContain('(async () => {\nawait a(c, ns, Default);');
    expect(mjs).not.toContain('async () =>');
  });

  it('turns requires into imports for the ESM and TypeScript files, and leaves code without await unwrapped', () => {
    const code = ["const { Tracer } = require('@trace/core');", "const path = require('node:path');", "require('./setup.cjs');", '', 'new Tracer(path);'].join(
      '\n',
    );
    const { mjs, cjs, mts, cts } = examples.renderExample(code, keepCode);
    for (const esm of [mjs, mts, cts])
      expect(esm).toContain("import { Tracer } from '@trace/core';\nimport * as path from 'node:path';\nimport './setup.cjs';");
    expect(cjs).toContain("const { Tracer } = require('@trace/core');\nconst path = require('node:path');\nrequire('./setup.cjs');\n\nnew Tracer(path);");
    expect(cts).not.toContain('async () =>');
  });

  it('reads a multi-line import, drops type-only imports from JavaScript and keeps them for TypeScript', () => {
    const code = ["import type { Options } from 'one';", 'import {', '  make,', '  type Shape,', "} from 'two';", '', 'const options: Options = make();'].join(
      '\n',
    );
    const { mjs, cjs, mts } = examples.renderExample(code, (body) => body.replace(': Options', ''));
    expect(mjs).toContain("import { make } from 'two';\n\nconst options = make();");
    expect(cjs).toContain("const { make } = require('two');");
    expect(mts).toContain("import { make, type Shape } from 'two';\n\nconst options: Options = make();");
    expect(mjs).not.toContain('one');
  });

  it('gives files Node runs with the same result as ESM and as CommonJS', () => {
    const code = [
      "import { join } from 'node:path';",
      "import { setTimeout as sleep } from 'node:timers/promises';",
      '',
      "await sleep(1);\nconsole.log(join('a', 'b'));",
    ].join('\n');
    const rendered = examples.renderExample(code, keepCode);
    const dir = mkdtempSync(join(tmpdir(), 'trace-consumers-test-'));
    try {
      writeFileSync(join(dir, 'example.mjs'), rendered.mjs);
      writeFileSync(join(dir, 'example.cjs'), rendered.cjs);
      for (const file of ['example.mjs', 'example.cjs']) {
        expect(execFileSync(process.execPath, [join(dir, file)], { encoding: 'utf8', timeout: 20_000 })).toBe('a/b\n');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the published packages', () => {
  const packages = readdirSync(join(REPO, 'packages')).filter((dir) => {
    const file = join(REPO, 'packages', dir, 'package.json');
    return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).private !== true;
  });
  const r = {
    otlp: 'http://127.0.0.1:1',
    zipkin: 'http://127.0.0.1:2',
    jaeger: 'http://127.0.0.1:3',
    otlpGrpc: '127.0.0.1:4',
    otlpGrpcPort: 4,
    stock: 'http://127.0.0.1:5/stock',
    appPort: 6,
  };

  it.each(packages)('%s: its README has a first example, a case, and every literal the case replaces', (dir) => {
    const code = examples.firstExample(readFileSync(join(REPO, 'packages', dir, 'README.md'), 'utf8'));
    expect(code).toBeDefined();
    const spec = CASES[dir];
    expect(spec).toBeDefined();
    expect(examples.replaceLiterals(code ?? '', spec?.replace?.(r) ?? [])).toMatchObject({ ok: true });
  });
});
