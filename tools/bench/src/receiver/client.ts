// The bench's handle on the receiver process (see child.ts): listeners on 127.0.0.1, one per
// side and wire format, and what each received since it was last asked.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { ReceiverReply, ReceiverRequest } from './child.js';
import type { WireFormat } from './span-counts.js';

export interface Received {
  spans: number;
  bodies: number;
  bytes: number;
  /** Bodies that did not parse as the format. */
  errors: number;
}

export interface ReceiverProcess {
  /** Opens a listener; returns its base URL, `http://127.0.0.1:<port>`. */
  open(format: WireFormat): Promise<{ url: string; port: number }>;
  /** What the listener on `port` received since the last call. */
  take(port: number): Promise<Received>;
  close(): Promise<void>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const REPLY_TIMEOUT_MS = 30_000;

export async function startReceiverProcess(): Promise<ReceiverProcess> {
  const child: ChildProcess = fork(join(__dirname, 'child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const pending = new Map<number, { resolve: (reply: ReceiverReply) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let exited = false;
  child.on('message', (reply: ReceiverReply) => {
    const waiter = pending.get(reply.id);
    if (waiter === undefined) return;
    pending.delete(reply.id);
    clearTimeout(waiter.timer);
    if (reply.error !== undefined) waiter.reject(new Error(`receiver: ${reply.error}`));
    else waiter.resolve(reply);
  });
  child.on('exit', () => {
    exited = true;
    for (const waiter of pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('receiver process exited'));
    }
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });

  function ask(request: DistributiveOmit<ReceiverRequest, 'id'>): Promise<ReceiverReply> {
    if (exited) return Promise.reject(new Error('receiver process exited'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`receiver did not answer ${request.op} within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      child.send({ ...request, id });
    });
  }

  return {
    async open(format) {
      const reply = await ask({ op: 'open', format });
      const port = reply.port as number;
      return { url: `http://127.0.0.1:${port}`, port };
    },
    async take(port) {
      const reply = await ask({ op: 'take', port });
      return { spans: reply.spans ?? 0, bodies: reply.bodies ?? 0, bytes: reply.bytes ?? 0, errors: reply.errors ?? 0 };
    },
    async close() {
      if (exited) return;
      const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        await ask({ op: 'close' });
      } catch {
        child.kill();
      }
      const timer = setTimeout(() => child.kill(), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}
