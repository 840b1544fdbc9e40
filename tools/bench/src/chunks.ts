// Span workloads run in chunks with an event-loop turn between them, inside the timed part: the
// batch pipelines then export as they would in a server (a batch leaves while the app keeps
// going), their cost is counted, and no queue grows to a whole sample's worth of spans.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Operations per chunk for workloads whose operations create `spansPerOp` spans: about one 512-span batch. */
export function chunkOps(spansPerOp: number): number {
  return Math.max(1, Math.floor(512 / spansPerOp));
}

/** Runs `loop(count)` over `total` operations, `chunk` at a time, yielding to the event loop between chunks. */
export async function inChunks(total: number, chunk: number, loop: (count: number) => void): Promise<void> {
  for (let done = 0; done < total; done += chunk) {
    loop(Math.min(chunk, total - done));
    await nextTurn();
  }
}
