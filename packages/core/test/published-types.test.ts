// The declarations users compile against show the API, not the span's storage: fields and
// methods marked @internal (the id words, flag bits, the owner) are left out of the .d.ts files.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const typesDir = join(__dirname, '../dist/esm');

describe('the published declarations', () => {
  it('carry no underscore internals and no @internal member', () => {
    // Tests run after the build (turbo's test task depends on it); a missing build is a failure.
    expect(existsSync(join(typesDir, 'index.d.ts'))).toBe(true);
    const files = readdirSync(typesDir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.d.ts'));
    expect(files).toContain('span.d.ts');
    const leaks: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(typesDir, file), 'utf8');
      for (const line of text.split('\n')) {
        if (/^\s+(readonly\s+)?_[A-Za-z0-9]+\??[:(]/.test(line) || line.includes('@internal')) leaks.push(`${file}: ${line.trim()}`);
      }
    }
    expect(leaks).toEqual([]);
    // The span's public face is still there.
    const span = readFileSync(join(typesDir, 'span.d.ts'), 'utf8');
    for (const member of ['get traceId()', 'setTag(', 'end(']) expect(span).toContain(member);
  });

  it('type-check on their own, as a user compiles them (skipLibCheck: false, strict)', () => {
    // Stripping a member that an exported interface requires, say, breaks every user's build.
    const roots = ['index.d.ts', 'encoding.d.ts', 'testing.d.ts'].map((file) => join(typesDir, file)).filter((file) => existsSync(file));
    expect(roots.length).toBeGreaterThanOrEqual(2);
    const program = ts.createProgram(roots, {
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(problems).toEqual([]);
  });
});
