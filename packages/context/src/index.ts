// @trace/context: B3, Jaeger and composite propagators, carrier adapters, and request context.
export {
  B3MultiPropagator,
  B3_TRACE_ID_HEADER,
  B3_SPAN_ID_HEADER,
  B3_PARENT_SPAN_ID_HEADER,
  B3_SAMPLED_HEADER,
  B3_FLAGS_HEADER,
} from './b3-multi-propagator.js';
export { B3SinglePropagator, B3_SINGLE_HEADER, parseB3SingleHeader } from './b3-single-propagator.js';
export {
  JaegerPropagator,
  type JaegerPropagatorOptions,
  JAEGER_TRACE_HEADER,
  JAEGER_BAGGAGE_PREFIX,
  JAEGER_ADHOC_BAGGAGE_HEADER,
  parseUberTraceId,
} from './jaeger-propagator.js';
export { CompositePropagator } from './composite-propagator.js';
export {
  createPropagatorFromNames,
  createPropagatorFromEnv,
  NoopPropagator,
  DEFAULT_PROPAGATOR_NAMES,
  type PropagatorName,
  type PropagatorNamesOptions,
} from './propagator-names.js';
export {
  objectCarrierAdapter,
  mapCarrierAdapter,
  fetchHeadersCarrierAdapter,
  nodeIncomingHeadersCarrierAdapter,
  nodeOutgoingMessageCarrierAdapter,
  kafkaHeadersCarrierAdapter,
  type ObjectCarrier,
  type MapCarrier,
  type NodeIncomingHeaders,
  type NodeOutgoingHeaders,
  type KafkaHeaderValue,
  type KafkaMessageHeaders,
} from './carrier-adapters.js';
export {
  RequestContext,
  REQUEST_CONTEXT_MAX_TAGS,
  REQUEST_CONTEXT_MAX_VALUE_LENGTH,
  type RequestContextData,
  type RequestContextSnapshot,
  type RequestContextInit,
} from './request-context.js';
