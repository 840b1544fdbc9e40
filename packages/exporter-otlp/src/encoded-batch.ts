/**
 * One batch of spans encoded as one or more request bodies, none larger than the limit it was
 * encoded for. `spanCounts[i]` spans travel in `bodies[i]`; `tooLarge` spans could not fit in a
 * request even alone and were left out.
 */
export interface EncodedBatch<Body> {
  readonly bodies: Body[];
  readonly spanCounts: number[];
  tooLarge: number;
}

/** Largest request body by default: 4 MiB, the OpenTelemetry Collector's default receive limit. */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
