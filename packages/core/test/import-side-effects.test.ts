import { Tracer } from '@trace/core';

// Its own test file: jest gives each file a fresh global object, so no other test's tracer has
// run here yet.
const SHAPE_KEEPER = Symbol.for('@trace/core.shapeKeeper');
type Slot = Record<symbol, unknown[] | undefined>;

describe('importing @trace/core', () => {
  it('runs nothing; the span-shape keeper is made by the first Tracer, once', () => {
    expect((globalThis as Slot)[SHAPE_KEEPER]).toBeUndefined();
    new Tracer({ serviceName: 'first' });
    const kept = (globalThis as Slot)[SHAPE_KEEPER];
    expect(kept).toHaveLength(4);
    new Tracer({ serviceName: 'second' });
    expect((globalThis as Slot)[SHAPE_KEEPER]).toBe(kept);
  });
});
