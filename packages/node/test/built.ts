// The child-process tests run the built package, as an app would. `pnpm test` builds first
// (turbo); run `pnpm build` in the repository before calling jest directly.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PACKAGE_DIR = join(__dirname, '..');

/** Fails the test, saying why, when `dist` is missing. */
export function expectBuilt(): void {
  for (const entry of ['dist/cjs/index.js', 'dist/esm/index.js', 'dist/cjs/register.js', 'dist/esm/register.js']) {
    if (!existsSync(join(PACKAGE_DIR, entry))) throw new Error(`@trace/node is not built (${entry} is missing): run pnpm build first`);
  }
}
