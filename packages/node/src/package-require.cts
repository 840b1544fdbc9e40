// CommonJS on purpose, in both builds: `require` here is bound to this file, which lives inside
// @trace/node, so packages load exactly as Node resolves them from @trace/node itself (its
// optional peers), wherever the app was started from. The ESM build imports this file too, which
// gives it a synchronous `require` without `import.meta` (which the CommonJS build cannot compile).

/** `require` as seen from @trace/node's own folder. */
export const packageRequire: NodeJS.Require = require;
