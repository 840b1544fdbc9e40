// The package graph must stay acyclic and point downhill (DESIGN.md): nothing depends on an
// exporter but @trace/node, and only as an optional peer. A rule is true in the code, not only in
// package.json: every `@trace/...` name in a string in a package's src (a static import, a
// dynamic import(), a require, or any other string literal) must be the package itself or one it
// declares in `dependencies` or `peerDependencies`. Comments may name anything.
//
//   node tools/scripts/check-graph.mjs [--root <repository>]
//
// Exits 1 and lists each problem; prints one summary line when the graph holds.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const rootFlag = process.argv.indexOf('--root');
const root = rootFlag === -1 ? fileURLToPath(new URL('../..', import.meta.url)) : process.argv[rootFlag + 1];
const SOURCE_EXTENSIONS = ['.ts', '.cts', '.mts', '.tsx', '.js', '.cjs', '.mjs'];
// A package name after the scope: kebab-case, so `@trace/core.globalTracer` (a symbol key) names core.
const TRACE_NAME = /@trace\/([a-z0-9][a-z0-9-]*)/g;

/** @type {Map<string, { dir: string, deps: string[], optionalPeers: Set<string> }>} */
const packages = new Map();
for (const dir of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', dir, 'package.json');
  if (!existsSync(file)) continue;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((name) => name.startsWith('@trace/'));
  const optionalPeers = new Set(
    Object.keys(pkg.peerDependencies ?? {}).filter((name) => pkg.peerDependenciesMeta?.[name]?.optional === true && !(name in (pkg.dependencies ?? {}))),
  );
  packages.set(pkg.name, { dir: join(root, 'packages', dir), deps, optionalPeers });
}

const problems = [];
const notes = [];
for (const [name, { deps, optionalPeers }] of packages) {
  for (const dep of deps) {
    if (!packages.has(dep)) {
      // An optional peer may be a package being written on another branch, or published apart.
      if (optionalPeers.has(dep)) notes.push(`${name}: optional peer ${dep} is not a workspace package`);
      else problems.push(`${name} depends on unknown workspace package ${dep}`);
    }
    if (dep.startsWith('@trace/exporter-') && !(name === '@trace/node' && optionalPeers.has(dep))) {
      problems.push(`${name} depends on exporter ${dep}; only @trace/node may, as an optional peer`);
    }
  }
  if (name !== '@trace/core' && !deps.includes('@trace/core')) problems.push(`${name} does not depend on @trace/core`);
}

const state = new Map();
const visit = (name, path) => {
  if (state.get(name) === 'done') return;
  if (state.get(name) === 'active') {
    problems.push(`dependency cycle: ${[...path, name].join(' -> ')}`);
    return;
  }
  state.set(name, 'active');
  for (const dep of packages.get(name)?.deps ?? []) visit(dep, [...path, name]);
  state.set(name, 'done');
};
for (const name of packages.keys()) visit(name, []);

function* sourceFiles(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (SOURCE_EXTENSIONS.some((extension) => entry.endsWith(extension)) && !entry.endsWith('.d.ts')) yield path;
  }
}

/** Every string literal's text in `file` (template literals by their literal parts), with its line. */
function* stringsIn(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const strings = [];
  const visit = (node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      strings.push({ text: node.text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
    }
    node.forEachChild(visit);
  };
  visit(source);
  yield* strings;
}

let filesRead = 0;
for (const [name, { dir, deps }] of packages) {
  const allowed = new Set([name, ...deps]);
  for (const file of sourceFiles(join(dir, 'src'))) {
    filesRead++;
    const found = new Set();
    for (const string of stringsIn(file)) {
      for (const match of string.text.matchAll(TRACE_NAME)) {
        const named = `@trace/${match[1]}`;
        const problem = `${relative(root, file)}:${string.line}: ${name} names ${named} in a string but does not declare it (dependencies or peerDependencies)`;
        if (!allowed.has(named) && !found.has(problem)) {
          found.add(problem);
          problems.push(problem);
        }
      }
    }
  }
}

for (const note of notes) console.log(`note: ${note}`);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`package graph: ${packages.size} packages, acyclic; every @trace/ name in ${filesRead} source files is declared`);
