// Where a bridge-bench server spent its CPU: reads the V8 profiles written by
// `bench:bridge -- --profile <dir>` and prints each mode's samples by owner, so the bridge's share
// can be told apart from OpenTelemetry's instrumentation code (the same on both sides).
//
//   node dist/bridge/profile-summary.js <dir> [--top 25]
//
// Node's own frames (streams, timers, http parser) count for the nearest package frame that
// called them; async_hooks frames (AsyncLocalStorage propagation on Node < 22) and GC are their own rows.
// Except below the two context managers: their wrappers forward to Node's own `on` and to the
// listeners Node, Express and the instrumentations added, code the untraced server runs too, so
// Node frames there get a row of their own ("node via <context manager>") rather than swelling
// the context manager's. The bridge's callbacks run through @trace/core's runWithAttachment, so
// Node frames that core's applyTo calls count as the bridge's forwarding too.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const FORWARDERS = new Set(['@trace/otel-adapter', '@opentelemetry/context-async-hooks']);

/** The context manager a frame forwards calls for, if it is one of their wrappers. */
function forwarderOf(frame: CallFrame | undefined, owner: string): string | undefined {
  if (FORWARDERS.has(owner)) return owner;
  // The bridge runs each context's callback through core's runWithAttachment, which calls it here.
  if (owner === '@trace/core' && frame?.functionName === 'applyTo' && frame.url.endsWith('context-storage.js')) return '@trace/otel-adapter';
  return undefined;
}

/** The package (or bucket) a frame's code belongs to, or `undefined` for Node's own code. */
function ownerOf(frame: CallFrame): string | undefined {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return functionName;
  if (url.includes('async_hooks')) return 'node async_hooks (AsyncLocalStorage)';
  if (url === '' || url.startsWith('node:')) return undefined;
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace !== null && !url.includes('node_modules')) return `@trace/${workspace[1]}`;
  const at = url.lastIndexOf('node_modules/');
  // The bench's own preload (bench:bridge --before) runs at start-up only.
  if (at === -1) return url.includes('/apps/') || url.includes('/tools/bench/dist/') ? 'bench app' : url;
  const rest = url.slice(at + 'node_modules/'.length).split('/');
  const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  return name;
}

function summarise(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  // Owner of each node: its own, else its nearest owned ancestor's, else "node (other)".
  const owners = new Map<number, string>();
  const ownerOfNode = (id: number): string => {
    const known = owners.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let owner = node === undefined ? 'node (other)' : ownerOf(node.callFrame);
    if (owner === undefined) {
      const up = parent.get(id);
      owner = up === undefined ? 'node (other)' : ownerOfNode(up);
      const via = up === undefined ? undefined : forwarderOf(byId.get(up)?.callFrame, owner);
      if (owner === '(root)') owner = 'node (other)';
      // Natives (no url) such as Reflect.apply stay with the context manager that called them.
      else if (via !== undefined && node?.callFrame.url.startsWith('node:')) owner = `node via ${via}`;
    }
    owners.set(id, owner);
    return owner;
  };
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    const micros = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === '(idle)') continue;
    total += micros;
    const owner = ownerOfNode(id);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + micros);
    const frame = node.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/packages\//, '')}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  }
  const percent = (micros: number) => `${((micros * 100) / total).toFixed(1)} %`;
  console.log(`\n## ${path.basename(file)}: ${(total / 1e6).toFixed(2)} s busy`);
  console.log('| owner | ms | share |');
  console.log('|---|---:|---:|');
  for (const [owner, micros] of [...byOwner].sort((a, b) => b[1] - a[1])) console.log(`| ${owner} | ${(micros / 1000).toFixed(0)} | ${percent(micros)} |`);
  console.log(`\ntop ${top} functions by self time:`);
  for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${percent(micros).padStart(7)}  ${name}`);
}

const dir = process.argv[2];
if (dir === undefined) {
  console.error('usage: profile-summary <dir with .cpuprofile files> [--top N]');
  process.exit(2);
}
const topIndex = process.argv.indexOf('--top');
const top = topIndex === -1 ? 25 : Number(process.argv[topIndex + 1]) || 25;
for (const name of readdirSync(dir)
  .filter((file) => file.endsWith('.cpuprofile'))
  .sort())
  summarise(path.join(dir, name), top);
