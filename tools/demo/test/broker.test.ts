// The demo's message broker on its own: acknowledges, then delivers; bounded drain; bad input.
import { listen, readJson, sendJson, writeJson } from '../src/http-json';
import { type Delivery, startMessageBroker } from '../src/message-broker';

describe('the message broker', () => {
  it('acknowledges a publish, then pushes the envelope with its headers to the subscriber', async () => {
    const broker = await startMessageBroker();
    const received: Delivery[] = [];
    let answer: (() => void) | undefined;
    const consumer = await listen((incoming, response) => {
      void readJson(incoming).then((delivery) => {
        received.push(delivery as Delivery);
        // hold the answer so the test sees the message pending after the ack
        answer = () => writeJson(response, 200, {});
      });
    });
    try {
      broker.subscribe('orders.created', `${consumer.url}/deliveries`);
      const ack = await sendJson(`${broker.url}/topics/orders.created`, 'POST', { headers: { traceparent: 'tp' }, body: { id: 1 } }, {});
      expect(ack.status).toBe(202);
      expect(broker.stats()).toMatchObject({ published: 1, pending: 1 });
      const drained = broker.drain(5000);
      for (let i = 0; i < 100 && answer === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      answer?.();
      expect(await drained).toEqual({ published: 1, delivered: 1, failed: 0, pending: 0 });
      expect(received).toEqual([
        { topic: 'orders.created', messageId: (ack.body as { messageId: string }).messageId, headers: { traceparent: 'tp' }, body: { id: 1 } },
      ]);
    } finally {
      await consumer.close();
      await broker.close();
    }
  });

  it('refuses bad envelopes, unknown topics and other paths', async () => {
    const broker = await startMessageBroker();
    try {
      broker.subscribe('known', 'http://127.0.0.1:9/unused');
      expect((await sendJson(`${broker.url}/topics/known`, 'POST', { headers: { n: 1 }, body: null }, {})).status).toBe(400);
      expect((await sendJson(`${broker.url}/topics/known`, 'POST', 'not an envelope', {})).status).toBe(400);
      expect((await sendJson(`${broker.url}/topics/unknown`, 'POST', { headers: {}, body: 1 }, {})).status).toBe(404);
      expect((await sendJson(`${broker.url}/elsewhere`, 'GET', undefined, {})).status).toBe(404);
      expect(broker.stats()).toEqual({ published: 0, delivered: 0, failed: 0, pending: 0 });
    } finally {
      await broker.close();
    }
  });

  it('counts a message whose subscriber is gone as failed, and drain never waits past its timeout', async () => {
    const broker = await startMessageBroker({ deliveryTimeoutMs: 200, maxAttempts: 2 });
    const gone = await listen(() => {});
    await gone.close();
    const silent = await listen(() => {});
    try {
      broker.subscribe('lost', `${gone.url}/deliveries`);
      broker.subscribe('slow', `${silent.url}/deliveries`);
      expect((await sendJson(`${broker.url}/topics/lost`, 'POST', { headers: {}, body: 1 }, {})).status).toBe(202);
      expect((await sendJson(`${broker.url}/topics/slow`, 'POST', { headers: {}, body: 2 }, {})).status).toBe(202);
      const started = Date.now();
      const early = await broker.drain(50);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(early.pending).toBeGreaterThan(0);
      expect(await broker.drain(3000)).toEqual({ published: 2, delivered: 0, failed: 2, pending: 0 });
    } finally {
      await silent.close();
      await broker.close();
    }
  });
});
