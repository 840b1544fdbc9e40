// Every workload, in the order a full run goes through them.
import type { Workload } from '../workload.js';
import { w2Json, w2Protobuf, w3Json, w3JsonString, w3Proto, w4Thrift } from './encoders.js';
import { w7Jaeger, w7Otlp, w7Zipkin } from './end-to-end.js';
import { w6Finished, w6Live } from './memory.js';
import { tTraceparentKept, w5BaggageExtract, w5BaggageInject, w5TraceparentExtract, w5TraceparentInject, w5TraceparentInjectFirst } from './propagation.js';
import { w1, w1b, w1c, w8 } from './spans.js';
import { w9Throughput, w9ThroughputDefaults, w9ThroughputLongQueues } from './throughput.js';
import { tDecimal, tLatin1, tLatin1Read, tText } from './tricks.js';

export const WORKLOADS: readonly Workload[] = [
  w1,
  w1b,
  w1c,
  w5TraceparentInject,
  w5TraceparentInjectFirst,
  w5TraceparentExtract,
  w5BaggageInject,
  w5BaggageExtract,
  w6Finished,
  w6Live,
  w8,
  w2Protobuf,
  w2Json,
  w3Json,
  w3JsonString,
  w3Proto,
  w4Thrift,
  w7Otlp,
  w7Zipkin,
  w7Jaeger,
  w9Throughput,
  w9ThroughputLongQueues,
  w9ThroughputDefaults,
  tLatin1,
  tLatin1Read,
  tTraceparentKept,
  tDecimal,
  tText,
];

/** `W1` selects W1 only; `W5` selects every `W5-…` row; ids are case-insensitive. */
export function selectWorkloads(names: readonly string[]): { selected: Workload[]; unknown: string[] } {
  if (names.length === 0) return { selected: WORKLOADS.slice(), unknown: [] };
  const unknown: string[] = [];
  const chosen = new Set<Workload>();
  for (const name of names) {
    const wanted = name.toLowerCase();
    const matches = WORKLOADS.filter((workload) => {
      const id = workload.id.toLowerCase();
      return id === wanted || id.startsWith(`${wanted}-`);
    });
    if (matches.length === 0) unknown.push(name);
    for (const match of matches) chosen.add(match);
  }
  return { selected: WORKLOADS.filter((workload) => chosen.has(workload)), unknown };
}
