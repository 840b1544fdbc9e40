import { TraceContext, W3CPropagator } from '@trace/core';
import {
  B3MultiPropagator,
  JaegerPropagator,
  fetchHeadersCarrierAdapter,
  kafkaHeadersCarrierAdapter,
  mapCarrierAdapter,
  nodeIncomingHeadersCarrierAdapter,
  nodeOutgoingMessageCarrierAdapter,
  objectCarrierAdapter,
} from '../src/index.js';
import type { KafkaMessageHeaders } from '../src/index.js';
import { OutgoingMessage } from 'node:http';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE}-${SPAN}-01`;
const context = new TraceContext({ traceId: TRACE, spanId: SPAN, traceFlags: 1 });
const w3c = new W3CPropagator();

describe('objectCarrierAdapter', () => {
  it('reads any case, passes arrays through, ignores non-string values', () => {
    const carrier = { TraceParent: TRACEPARENT, multi: ['a', 'b'], count: 3 as unknown as string };
    expect(objectCarrierAdapter.get(carrier, 'traceparent')).toBe(TRACEPARENT);
    expect(objectCarrierAdapter.get(carrier, 'multi')).toEqual(['a', 'b']);
    expect(objectCarrierAdapter.get(carrier, 'count')).toBeUndefined();
    expect(objectCarrierAdapter.keys(carrier)).toEqual(['TraceParent', 'multi', 'count']);
  });

  it('replaces a differently-cased header on write and ignores frozen carriers', () => {
    const carrier: Record<string, string> = { TRACEPARENT: 'old' };
    objectCarrierAdapter.set(carrier, 'traceparent', TRACEPARENT);
    expect(carrier).toEqual({ traceparent: TRACEPARENT });
    const frozen = Object.freeze({});
    expect(() => objectCarrierAdapter.set(frozen, 'a', 'b')).not.toThrow();
  });

  it('never reads the prototype', () => {
    expect(objectCarrierAdapter.get({}, 'constructor')).toBeUndefined();
    expect(objectCarrierAdapter.get({}, 'tostring')).toBeUndefined();
  });
});

describe('mapCarrierAdapter', () => {
  it('round-trips a context and reads any case', () => {
    const map = new Map<string, string>([['X-B3-TraceId', 'stale']]);
    new B3MultiPropagator().inject(context, map, mapCarrierAdapter);
    expect(map.get('x-b3-traceid')).toBe(TRACE);
    expect(map.has('X-B3-TraceId')).toBe(false);
    const upper = new Map([['TRACEPARENT', TRACEPARENT]]);
    const result = w3c.extract(upper, mapCarrierAdapter);
    expect(result.ok && result.value.traceId).toBe(TRACE);
    expect(mapCarrierAdapter.get(new Map([['a', ['1', '2']]]), 'a')).toEqual(['1', '2']);
  });
});

describe('fetchHeadersCarrierAdapter', () => {
  it('round-trips through fetch Headers', () => {
    const headers = new Headers();
    new JaegerPropagator().inject(context, headers, fetchHeadersCarrierAdapter);
    headers.set('UberCtx-User', 'jo');
    expect(fetchHeadersCarrierAdapter.keys(headers)).toEqual(['uber-trace-id', 'uberctx-user']);
    const result = new JaegerPropagator().extract(headers, fetchHeadersCarrierAdapter);
    expect(result.ok && result.value.traceId).toBe(TRACE);
    expect(result.ok && result.value.baggage.get('user')).toBe('jo');
  });

  it('sees a repeated traceparent joined, which fails to parse as the W3C spec requires', () => {
    const headers = new Headers();
    headers.append('traceparent', TRACEPARENT);
    headers.append('traceparent', TRACEPARENT);
    expect(w3c.extract(headers, fetchHeadersCarrierAdapter).ok).toBe(false);
  });
});

describe('nodeIncomingHeadersCarrierAdapter', () => {
  it('handles array values and any case', () => {
    const headers = { 'X-B3-TRACEID': [TRACE], 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' };
    const result = new B3MultiPropagator().extract(headers, nodeIncomingHeadersCarrierAdapter);
    expect(result.ok && result.value.traceId).toBe(TRACE);
    const twice = { traceparent: [TRACEPARENT, `00-${TRACE}-${'1'.repeat(16)}-01`] };
    const repeated = w3c.extract(twice, nodeIncomingHeadersCarrierAdapter);
    expect(!repeated.ok && repeated.error.code).toBe('TRACEPARENT_REPEATED');
  });
});

describe('nodeOutgoingMessageCarrierAdapter', () => {
  it('writes with setHeader and reads with getHeader', () => {
    const message = new OutgoingMessage();
    w3c.inject(context, message, nodeOutgoingMessageCarrierAdapter);
    expect(message.getHeader('traceparent')).toBe(TRACEPARENT);
    expect(nodeOutgoingMessageCarrierAdapter.keys(message)).toEqual(['traceparent']);
    message.setHeader('content-length', 12);
    expect(nodeOutgoingMessageCarrierAdapter.get(message, 'content-length')).toBe('12');
  });
});

describe('kafkaHeadersCarrierAdapter', () => {
  it('writes Buffers and reads Buffers, arrays of Buffers and strings', () => {
    const headers: KafkaMessageHeaders = {};
    new JaegerPropagator().inject(context, headers, kafkaHeadersCarrierAdapter);
    expect(Buffer.isBuffer(headers['uber-trace-id'])).toBe(true);
    expect(String(headers['uber-trace-id'])).toBe(`${TRACE}:${SPAN}:0:01`);

    const incoming: KafkaMessageHeaders = {
      traceparent: [Buffer.from(TRACEPARENT)],
      baggage: Buffer.from('user=k%C3%A4se'),
      'baggage-extra': new Uint8Array(Buffer.from('1')),
      plain: 'text',
      many: [Buffer.from('a'), 'b'],
    };
    const result = w3c.extract(incoming, kafkaHeadersCarrierAdapter);
    expect(result.ok && result.value.traceId).toBe(TRACE);
    expect(result.ok && result.value.baggage.get('user')).toBe('käse');
    expect(result.ok && result.value.baggage.get('extra')).toBe('1');
    expect(kafkaHeadersCarrierAdapter.get(incoming, 'plain')).toBe('text');
    expect(kafkaHeadersCarrierAdapter.get(incoming, 'many')).toEqual(['a', 'b']);
    expect(kafkaHeadersCarrierAdapter.get({ bad: 5 as unknown as string }, 'bad')).toBeUndefined();
  });
});

describe('every adapter with a non-carrier', () => {
  it('reads nothing and never throws', () => {
    const adapters = [objectCarrierAdapter, mapCarrierAdapter, fetchHeadersCarrierAdapter, nodeOutgoingMessageCarrierAdapter, kafkaHeadersCarrierAdapter];
    for (const adapter of adapters) {
      for (const carrier of [null, undefined, 1, 'x']) {
        const loose = adapter as unknown as { get(c: unknown, n: string): unknown; set(c: unknown, n: string, v: string): void; keys(c: unknown): string[] };
        expect(loose.get(carrier, 'traceparent')).toBeUndefined();
        expect(() => loose.set(carrier, 'traceparent', 'v')).not.toThrow();
        expect(loose.keys(carrier)).toEqual([]);
      }
    }
  });
});
