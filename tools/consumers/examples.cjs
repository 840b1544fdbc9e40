// A package README's first example, as a user would paste it into a file: found in the README
// (the first ```ts / ```js block), its endpoint literals swapped for a loopback receiver's, and
// written out four ways: ESM (.mjs), CommonJS (.cjs), and TypeScript as ESM (.mts) and as
// CommonJS (.cts). Pure functions on strings; check-consumers.mjs writes and runs the files.
'use strict';

const FENCE = /^```(ts|typescript|js|javascript|mjs|cjs)[ \t]*\n([\s\S]*?)^```[ \t]*$/m;

/** The first TypeScript or JavaScript code block of a README, or undefined when it has none. */
function firstExample(markdown) {
  const match = FENCE.exec(markdown.replace(/\r\n/g, '\n'));
  return match === null ? undefined : match[2];
}

/**
 * Replaces each `from` literal, which must occur exactly once: when a README changes, the check
 * says which literal it no longer finds instead of running an example against a host that is not
 * there.
 */
function replaceLiterals(code, replacements) {
  let out = code;
  for (const [from, to] of replacements) {
    const count = out.split(from).length - 1;
    if (count !== 1) return { ok: false, error: `expected ${JSON.stringify(from)} once in the example, found it ${count} times` };
    out = out.replace(from, () => to);
  }
  return { ok: true, value: out };
}

// Statements that bring in a module, at the start of a line: `import x from 'm'`, `import { a,
// b as c } from 'm'` (over several lines too), `import * as ns from 'm'`, `import 'm'`,
// `const { a, b: c } = require('m')`, `const x = require('m')`, `require('m')`.
// A clause holds no quote or semicolon, so one statement's match never runs into the next.
const IMPORT = /^import\s+(?:(type)\s+)?([^'";]*?)\s+from\s+(['"])([^'"]+)\3;?[ \t]*$|^import\s+(['"])([^'"]+)\5;?[ \t]*$/gm;
const REQUIRE = /^(?:const|let|var)\s+([^'";=]*?)\s*=\s*require\((['"])([^'"]+)\2\);?[ \t]*$|^require\((['"])([^'"]+)\4\);?[ \t]*$/gm;

function parseNamed(list, separator) {
  return list
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const typeOnly = part.startsWith('type ');
      const [name, local] = (typeOnly ? part.slice(5) : part).split(separator).map((word) => word.trim());
      return { name, local: local ?? name, typeOnly };
    });
}

function parseImportClause(clause) {
  const parsed = { defaultName: undefined, namespace: undefined, named: [] };
  let rest = clause.trim();
  const braces = rest.indexOf('{');
  if (braces !== -1) {
    parsed.named = parseNamed(rest.slice(braces + 1, rest.lastIndexOf('}')), ' as ');
    rest = rest.slice(0, braces);
  }
  for (const part of rest.split(',').map((word) => word.trim())) {
    if (part.startsWith('* as ')) parsed.namespace = part.slice(5).trim();
    else if (part !== '') parsed.defaultName = part;
  }
  return parsed;
}

/**
 * Splits an example into the modules it loads and the rest of its code. Both the `import` and the
 * `require` forms are understood, so an example written either way renders in every module format.
 */
function splitModules(code) {
  const modules = [];
  const remove = [];
  for (const match of code.matchAll(IMPORT)) {
    remove.push([match.index, match.index + match[0].length]);
    if (match[6] !== undefined) modules.push({ specifier: match[6], sideEffect: true, defaultName: undefined, namespace: undefined, named: [] });
    else if (match[1] !== 'type') modules.push({ specifier: match[4], sideEffect: false, ...parseImportClause(match[2]) });
  }
  for (const match of code.matchAll(REQUIRE)) {
    remove.push([match.index, match.index + match[0].length]);
    if (match[5] !== undefined) {
      modules.push({ specifier: match[5], sideEffect: true, defaultName: undefined, namespace: undefined, named: [] });
      continue;
    }
    const binding = match[1].trim();
    if (binding.startsWith('{')) {
      modules.push({ specifier: match[3], sideEffect: false, defaultName: undefined, namespace: undefined, named: parseNamed(binding.slice(1, -1), ':') });
    } else {
      // `const x = require('m')` is the whole module object, as `import * as x` is.
      modules.push({ specifier: match[3], sideEffect: false, defaultName: undefined, namespace: binding, named: [] });
    }
  }
  remove.sort((a, b) => a[0] - b[0]);
  let body = '';
  let at = 0;
  for (const [start, end] of remove) {
    body += code.slice(at, start);
    at = end;
  }
  body += code.slice(at);
  return { modules, body: body.replace(/^\s*\n/, '') };
}

function renderImports(modules, typescript) {
  return modules.map((module) => {
    const from = JSON.stringify(module.specifier).replace(/"/g, "'");
    if (module.sideEffect) return `import ${from};`;
    const parts = [];
    if (module.defaultName !== undefined) parts.push(module.defaultName);
    if (module.namespace !== undefined) parts.push(`* as ${module.namespace}`);
    const named = module.named
      .filter((entry) => typescript || !entry.typeOnly)
      .map((entry) => `${entry.typeOnly ? 'type ' : ''}${entry.name === entry.local ? entry.name : `${entry.name} as ${entry.local}`}`);
    if (named.length > 0) parts.push(`{ ${named.join(', ')} }`);
    return parts.length === 0 ? `import ${from};` : `import ${parts.join(', ')} from ${from};`;
  });
}

function renderRequires(modules) {
  return modules.map((module) => {
    const call = `require(${JSON.stringify(module.specifier).replace(/"/g, "'")})`;
    if (module.sideEffect) return `${call};`;
    const lines = [];
    // A default import of a CommonJS module is its `module.exports`, as Node's ESM loader gives it.
    if (module.defaultName !== undefined) lines.push(`const ${module.defaultName} = ${call};`);
    if (module.namespace !== undefined) lines.push(`const ${module.namespace} = ${call};`);
    const named = module.named.filter((entry) => !entry.typeOnly).map((entry) => (entry.name === entry.local ? entry.name : `${entry.name}: ${entry.local}`));
    if (named.length > 0) lines.push(`const { ${named.join(', ')} } = ${call};`);
    return lines.join('\n');
  });
}

// CommonJS has no top-level await: the code runs in an async function whose failure fails the run.
function wrapAsync(body) {
  if (!/\bawait\b/.test(body)) return body;
  return `(async () => {\n${body}\n})().catch((error) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n`;
}

/**
 * The example in each module format. `stripTypes(code)` turns TypeScript into JavaScript (the
 * caller passes TypeScript's own transpiler), so an example with type annotations runs as .mjs
 * and .cjs too.
 */
function renderExample(code, stripTypes) {
  const { modules, body } = splitModules(code);
  const plainBody = stripTypes(body);
  const header = '// Generated from the README by tools/consumers: do not edit.\n';
  return {
    mjs: `${header}${renderImports(modules, false).join('\n')}\n\n${plainBody}`,
    cjs: `${header}'use strict';\n${renderRequires(modules).join('\n')}\n\n${wrapAsync(plainBody)}`,
    mts: `${header}${renderImports(modules, true).join('\n')}\n\n${body}`,
    cts: `${header}${renderImports(modules, true).join('\n')}\n\n${wrapAsync(body)}`,
  };
}

module.exports = { firstExample, replaceLiterals, splitModules, renderExample };
