// The package graph must stay acyclic and point only at @trace/core's side (DESIGN.md): no
// package may depend on an exporter. Reads the workspace package.json files; exits 1 on a problem.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const packages = new Map();
for (const dir of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', dir, 'package.json');
  if (!existsSync(file)) continue;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((name) => name.startsWith('@trace/'));
  packages.set(pkg.name, deps);
}
const problems = [];
for (const [name, deps] of packages) {
  for (const dep of deps) {
    if (!packages.has(dep)) problems.push(`${name} depends on unknown workspace package ${dep}`);
    if (dep.startsWith('@trace/exporter-')) problems.push(`${name} depends on exporter ${dep}; nothing may depend on an exporter`);
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
  for (const dep of packages.get(name) ?? []) visit(dep, [...path, name]);
  state.set(name, 'done');
};
for (const name of packages.keys()) visit(name, []);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`package graph: ${packages.size} packages, acyclic`);
