// Cross-thread propagation (seed §6): capture in the parent, post to a worker_thread, restore
// there, start a child span, and send the worker's context back.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Tracer } from '@trace/core';
import { RequestContext, type RequestContextSnapshot } from '../src/index.js';

interface WorkerReply {
  error?: string;
  sameObjectAfterTimer: boolean;
  restored: { requestId: string; correlationId: string };
  spanTraceId: string;
  spanParentId: string;
  spanId: string;
  snapshotAfterSpan: RequestContextSnapshot;
}

function runWorker(snapshot: RequestContextSnapshot): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'fixtures/request-context-worker.js'), { workerData: { snapshot } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error('worker did not answer within 15 s'));
    }, 15_000);
    worker.once('message', (reply: WorkerReply) => {
      clearTimeout(timer);
      void worker.terminate().then(() => resolve(reply));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe('worker_thread round trip', () => {
  it('carries request id, correlation id, trace position and tags to a worker and back', async () => {
    const tracer = new Tracer({ serviceName: 'main' });
    let snapshot: RequestContextSnapshot | undefined;
    let parentSpanId = '';
    let traceId = '';
    RequestContext.run({ requestId: 'req-777', correlationId: 'corr-777', tags: { tenant: 'acme' } }, () => {
      tracer.withSpan('dispatch', (span) => {
        parentSpanId = span.spanId;
        traceId = span.traceId;
        snapshot = RequestContext.capture();
      });
    });
    expect(snapshot).toBeDefined();
    const reply = await runWorker(snapshot as RequestContextSnapshot);
    expect(reply.error).toBeUndefined();
    expect(reply.sameObjectAfterTimer).toBe(true);
    expect(reply.restored).toEqual({ requestId: 'req-777', correlationId: 'corr-777' });
    expect(reply.spanTraceId).toBe(traceId);
    expect(reply.spanParentId).toBe(parentSpanId);
    // The worker's span, started inside the restored context, updated it there.
    expect(reply.snapshotAfterSpan).toEqual({
      requestId: 'req-777',
      correlationId: 'corr-777',
      traceId,
      spanId: reply.spanId,
      traceFlags: 1,
      tags: { tenant: 'acme', worker: 'yes' },
    });
  });
});
