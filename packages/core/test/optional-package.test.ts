import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OptionalPackageError, isPackageNotInstalled, loadOptionalPackage } from '@trace/core';

// A folder with one package that is installed but needs a module that is not.
let dir: string;
let requireThere: NodeJS.Require;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trace-optional-'));
  const broken = join(dir, 'node_modules', 'broken-install');
  mkdirSync(broken, { recursive: true });
  writeFileSync(join(broken, 'package.json'), JSON.stringify({ name: 'broken-install', main: 'index.js' }));
  writeFileSync(join(broken, 'index.js'), "require('dependency-that-is-missing');\n");
  const present = join(dir, 'node_modules', 'present');
  mkdirSync(present, { recursive: true });
  writeFileSync(join(present, 'package.json'), JSON.stringify({ name: 'present', main: 'index.js' }));
  writeFileSync(join(present, 'index.js'), 'exports.answer = 42;\n');
  requireThere = createRequire(join(dir, 'index.js'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function requireError(name: string): unknown {
  try {
    requireThere(name);
  } catch (error) {
    return error;
  }
  throw new Error(`${name} loaded`);
}

describe('isPackageNotInstalled', () => {
  it('tells a missing package from an installed one that fails to load (require)', () => {
    expect(isPackageNotInstalled(requireError('package-that-is-absent'), 'package-that-is-absent')).toBe(true);
    // The require stack of this error names broken-install's own path: that must not count.
    const broken = requireError('broken-install');
    expect(String(broken)).toContain('broken-install');
    expect(isPackageNotInstalled(broken, 'broken-install')).toBe(false);
    expect(isPackageNotInstalled(new Error("Cannot find module 'x'"), 'x')).toBe(false); // no code: not Node's
  });

  it('does the same for import() in a plain Node process', () => {
    // `pnpm test` builds first (turbo); run `pnpm build` before calling jest directly.
    if (!existsSync(join(__dirname, '../dist/cjs/index.js'))) throw new Error('@trace/core is not built (dist/cjs/index.js is missing): run pnpm build first');
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

describe('loadOptionalPackage', () => {
  it('returns the module when it loads', () => {
    const loaded = loadOptionalPackage('present', () => requireThere('present') as { answer: number });
    expect(loaded.ok && loaded.value.answer).toBe(42);
  });

  it('a missing package is PACKAGE_NOT_INSTALLED with the install line', () => {
    const loaded = loadOptionalPackage('package-that-is-absent', () => requireThere('package-that-is-absent'));
    expect(loaded.ok).toBe(false);
    const error = (loaded as { error: OptionalPackageError }).error;
    expect(error).toBeInstanceOf(OptionalPackageError);
    expect(error.code).toBe('PACKAGE_NOT_INSTALLED');
    expect(error.packageName).toBe('package-that-is-absent');
    expect(error.message).toBe('package-that-is-absent is not installed: npm install package-that-is-absent');
  });

  it('an installed package that fails to load is PACKAGE_LOAD_FAILED with the loader message', () => {
    const loaded = loadOptionalPackage('broken-install', () => requireThere('broken-install'));
    const error = (loaded as { error: OptionalPackageError }).error;
    expect(error.code).toBe('PACKAGE_LOAD_FAILED');
    expect(error.message).toMatch(/^broken-install is installed but failed to load: Cannot find module 'dependency-that-is-missing'/);
    expect((error.cause as { code?: string }).code).toBe('MODULE_NOT_FOUND');
  });

  it('a package whose code throws at load is PACKAGE_LOAD_FAILED too, the thrown error as its cause', () => {
    const thrown = new TypeError('boom at import');
    const loaded = loadOptionalPackage('throws', (): unknown => {
      throw thrown;
    });
    expect(!loaded.ok && loaded.error.message).toBe('throws is installed but failed to load: boom at import');
    expect(!loaded.ok && loaded.error.code).toBe('PACKAGE_LOAD_FAILED');
    expect(!loaded.ok && loaded.error.cause).toBe(thrown);
  });

  it('any thrown value (a string, null, no prototype, throwing getters) still gives a result, never a throw', async () => {
    const weird = loadOptionalPackage('weird', (): unknown => {
      throw 'a string';
    });
    expect(!weird.ok && weird.error.code).toBe('PACKAGE_LOAD_FAILED');
    expect(!weird.ok && weird.error.message).toBe('weird is installed but failed to load: a string');
    const rejected = await loadOptionalPackage('rejects', () => Promise.reject(null));
    expect(!rejected.ok && rejected.error.code).toBe('PACKAGE_LOAD_FAILED');
    // No prototype, so String() throws on it.
    const bare = loadOptionalPackage('bare', (): unknown => {
      throw Object.create(null);
    });
    expect(!bare.ok && bare.error.message).toBe('bare is installed but failed to load: [object Object]');
    const bareAsync = await loadOptionalPackage('bare', async (): Promise<unknown> => {
      throw Object.create(null);
    });
    expect(!bareAsync.ok && bareAsync.error.code).toBe('PACKAGE_LOAD_FAILED');
    const hostile = loadOptionalPackage('hostile', (): unknown => {
      throw Object.defineProperties(Object.create(null), {
        code: {
          get: () => {
            throw new Error('code getter');
          },
        },
        message: {
          get: () => {
            throw new Error('message getter');
          },
        },
      });
    });
    expect(!hostile.ok && hostile.error.code).toBe('PACKAGE_LOAD_FAILED');
  });

  it('an asynchronous load gives a promise of the same result, never a rejection', async () => {
    const missing = await loadOptionalPackage('package-that-is-absent', async () => requireThere('package-that-is-absent'));
    expect(!missing.ok && missing.error.code).toBe('PACKAGE_NOT_INSTALLED');
    const present = await loadOptionalPackage('present', async () => requireThere('present') as { answer: number });
    expect(present.ok && present.value.answer).toBe(42);
  });
});
