// A tiny message broker on 127.0.0.1, enough for the seed's example 4: producers POST an envelope
// `{ headers, body }` to `/topics/<topic>`, the broker acknowledges (202) and later pushes the
// envelope to the topic's subscriber over HTTP. Trace context travels in the envelope's headers,
// never in the HTTP headers of either hop, as it would through a real queue.
import { type RunningServer, listen, readJson, sendJson, writeJson } from './http-json.js';

/** What a producer publishes: message headers (where trace context goes) and a body. */
export interface MessageEnvelope {
  headers: Record<string, string>;
  body: unknown;
}

/** What a subscriber receives: the envelope plus where it came from. */
export interface Delivery extends MessageEnvelope {
  topic: string;
  messageId: string;
}

/** Counts of the broker's work; `pending` are accepted messages not yet handled by a subscriber. */
export interface BrokerStats {
  published: number;
  delivered: number;
  failed: number;
  pending: number;
}

export interface BrokerOptions {
  /** Deadline of one push to a subscriber. Default 2000 ms. */
  deliveryTimeoutMs?: number;
  /** Pushes per message before it counts as failed. Default 2. */
  maxAttempts?: number;
  /** Messages accepted but not yet handled; past it publishes get 503. Default 1000. */
  maxPending?: number;
}

export interface MessageBroker {
  /** Base URL: publish with `POST {url}/topics/<topic>`. */
  readonly url: string;
  /** Pushes every message of `topic` to `deliveryUrl` (one subscriber per topic). */
  subscribe(topic: string, deliveryUrl: string): void;
  stats(): BrokerStats;
  /** Resolves once no message is pending, or after `timeoutMs`; returns the stats then. */
  drain(timeoutMs: number): Promise<BrokerStats>;
  close(): Promise<void>;
}

const TOPIC_PATH = /^\/topics\/([A-Za-z0-9._-]{1,200})$/;

function isEnvelope(value: unknown): value is MessageEnvelope {
  if (value === null || typeof value !== 'object') return false;
  const headers = (value as { headers?: unknown }).headers;
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return false;
  for (const key in headers) if (typeof (headers as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

/** Starts a broker on a free port of 127.0.0.1. */
export async function startMessageBroker(options: BrokerOptions = {}): Promise<MessageBroker> {
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 2000;
  const maxAttempts = options.maxAttempts ?? 2;
  const maxPending = options.maxPending ?? 1000;
  const subscribers = new Map<string, string>();
  const counts = { published: 0, delivered: 0, failed: 0, pending: 0 };
  let drained: (() => void)[] = [];
  let nextId = 1;

  const settle = (outcome: 'delivered' | 'failed') => {
    counts[outcome]++;
    counts.pending--;
    if (counts.pending === 0) {
      const waiting = drained;
      drained = [];
      for (const wake of waiting) wake();
    }
  };

  const deliver = async (target: string, delivery: Delivery) => {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        const response = await sendJson(target, 'POST', delivery, {}, deliveryTimeoutMs);
        if (response.status < 300) return settle('delivered');
        // a subscriber that rejects the message outright (4xx) will not accept it on a retry
        if (response.status < 500) break;
      } catch {
        // connection refused or timed out: try again while attempts remain
      }
    }
    settle('failed');
  };

  const server: RunningServer = await listen((incoming, response) => {
    const match = incoming.method === 'POST' ? TOPIC_PATH.exec(incoming.url ?? '') : null;
    if (match === null) {
      incoming.resume();
      return writeJson(response, 404, { error: 'publish with POST /topics/<topic>' });
    }
    const topic = match[1] as string;
    void readJson(incoming).then((envelope) => {
      if (!isEnvelope(envelope)) return writeJson(response, 400, { error: 'expected a JSON envelope { headers: { string: string }, body }' });
      const target = subscribers.get(topic);
      if (target === undefined) return writeJson(response, 404, { error: `no subscriber for ${topic}` });
      if (counts.pending >= maxPending) return writeJson(response, 503, { error: 'broker is full' });
      const messageId = `msg-${nextId++}`;
      counts.published++;
      counts.pending++;
      writeJson(response, 202, { messageId });
      // acknowledged first, delivered afterwards: the producer never waits for the consumer
      setImmediate(() => void deliver(target, { topic, messageId, headers: envelope.headers, body: envelope.body }));
    });
  });

  return {
    url: server.url,
    subscribe(topic, deliveryUrl) {
      subscribers.set(topic, deliveryUrl);
    },
    stats: () => ({ ...counts }),
    drain(timeoutMs) {
      if (counts.pending === 0) return Promise.resolve({ ...counts });
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          drained = drained.filter((wake) => wake !== done);
          resolve({ ...counts });
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve({ ...counts });
        };
        drained.push(done);
      });
    },
    close: () => server.close(),
  };
}
