// Head sampling: decided once when a trace starts, carried in the sampled flag so that every
// service downstream agrees (W3C trace-flags, OpenTelemetry sampler semantics).
import { ConfigError } from './result.js';

/**
 * What a sampler sees about the span being started. A sampler may keep it: each value a user
 * sampler receives is its own object, which the tracer never changes afterwards.
 */
export interface SamplingParameters {
  /** The last 32 bits of the trace id, unsigned: uniformly random for generated ids. */
  readonly traceIdLowBits: number;
  /** Whether the parent was sampled, or `undefined` for a root span. */
  readonly parentSampled: boolean | undefined;
  /** True when the parent came from another process. */
  readonly parentIsRemote: boolean;
  readonly operationName: string;
}

/** Decides whether a new span is recorded and exported. */
export interface Sampler {
  shouldSample(parameters: SamplingParameters): boolean;
  /** A short description, e.g. `ParentBased{root=TraceIdRatioBased{0.25}}`. */
  toString(): string;
}

// Samplers made here read their parameters during the call and keep nothing, so the tracer may
// hand them one reused object (see Tracer); any other sampler gets a fresh frozen one per span.
const BUILT_IN = new WeakSet<Sampler>();

function builtIn(sampler: Sampler): Sampler {
  BUILT_IN.add(sampler);
  return sampler;
}

/** @internal True for samplers this module made (composites only when all their parts are). */
export function isBuiltInSampler(sampler: Sampler): boolean {
  return typeof sampler === 'object' && sampler !== null && BUILT_IN.has(sampler);
}

const ALWAYS_ON: Sampler = builtIn(Object.freeze({ shouldSample: () => true, toString: () => 'AlwaysOnSampler' }));
const ALWAYS_OFF: Sampler = builtIn(Object.freeze({ shouldSample: () => false, toString: () => 'AlwaysOffSampler' }));

/** Samples every span. */
export function alwaysOn(): Sampler {
  return ALWAYS_ON;
}

/** Samples nothing (context still propagates, with the sampled flag off). */
export function alwaysOff(): Sampler {
  return ALWAYS_OFF;
}

/**
 * Samples a fraction `ratio` of traces, decided from the trace id's low 32 bits, so every
 * service that uses the same ratio makes the same decision for the same trace.
 */
export function traceIdRatio(ratio: number): Sampler {
  if (typeof ratio !== 'number' || Number.isNaN(ratio) || ratio < 0 || ratio > 1) {
    throw new ConfigError(`traceIdRatio needs a ratio between 0 and 1, got ${String(ratio)}`);
  }
  const bound = Math.floor(ratio * 0x1_0000_0000);
  return builtIn(
    Object.freeze({
      shouldSample: (parameters: SamplingParameters) => ratio === 1 || parameters.traceIdLowBits < bound,
      toString: () => `TraceIdRatioBased{${ratio}}`,
    }),
  );
}

/** Options of {@link parentBased}: what to do for each kind of parent. */
export interface ParentBasedOptions {
  remoteParentSampled?: Sampler;
  remoteParentNotSampled?: Sampler;
  localParentSampled?: Sampler;
  localParentNotSampled?: Sampler;
}

/**
 * Follows the parent's decision; `root` decides for spans without a parent. The default
 * sampler is `parentBased(alwaysOn())`.
 */
export function parentBased(root: Sampler, options: ParentBasedOptions = {}): Sampler {
  const remoteSampled = options.remoteParentSampled ?? ALWAYS_ON;
  const remoteNotSampled = options.remoteParentNotSampled ?? ALWAYS_OFF;
  const localSampled = options.localParentSampled ?? ALWAYS_ON;
  const localNotSampled = options.localParentNotSampled ?? ALWAYS_OFF;
  const sampler: Sampler = Object.freeze({
    shouldSample(parameters: SamplingParameters): boolean {
      const parentSampled = parameters.parentSampled;
      if (parentSampled === undefined) return root.shouldSample(parameters);
      if (parameters.parentIsRemote) return (parentSampled ? remoteSampled : remoteNotSampled).shouldSample(parameters);
      return (parentSampled ? localSampled : localNotSampled).shouldSample(parameters);
    },
    toString: () => `ParentBased{root=${root.toString()}}`,
  });
  const allBuiltIn =
    isBuiltInSampler(root) &&
    isBuiltInSampler(remoteSampled) &&
    isBuiltInSampler(remoteNotSampled) &&
    isBuiltInSampler(localSampled) &&
    isBuiltInSampler(localNotSampled);
  return allBuiltIn ? builtIn(sampler) : sampler;
}
