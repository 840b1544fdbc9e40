import { Tracer } from '@trace/core';

// Its own test file: jest gives each file a fresh global object, so no other test's tracer has
// run here yet.
const SHAPE_KEEPER = Symbol.for('@trace/core.shapeKeeper');
type Slot = Record<symbol, unknown[] | undefined>;

describe('importing @trace/core', () => {
  it('runs nothing; the span-shape keeper is made by the first Tracer, once', () => {
    expect((globalThis as Slot)[SHAPE_KEEPER]).toBeUndefined();
    expect((globalThis as Slot)[Symbol.for('@trace/core.currentSpanStorage.v2')]).toBeUndefined();
    expect((globalThis as Slot)[Symbol.for('@trace/core.spanObservers')]).toBeUndefined();
    new Tracer({ serviceName: 'first' });
    const kept = (globalThis as Slot)[SHAPE_KEEPER];
    expect(kept).toHaveLength(4);
    new Tracer({ serviceName: 'second' });
    expect((globalThis as Slot)[SHAPE_KEEPER]).toBe(kept);
  });

  it('the current-span storage, made on first use, is the one on globalThis that other copies share', () => {
    const tracer = new Tracer();
    const span = tracer.startSpan('current');
    tracer.runWithSpan(span, () => {
      const shared = (globalThis as Record<symbol, { getStore(): unknown } | undefined>)[Symbol.for('@trace/core.currentSpanStorage.v2')];
      expect(shared?.getStore()).toBe(span);
    });
  });
});
