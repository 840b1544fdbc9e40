// @trace/transport-grpc: the real gRPC transport for trace exporters.
export { createDefaultGrpcTransport, DefaultGrpcTransport } from './grpc-transport.js';
export type { GrpcTransportOptions } from './grpc-transport.js';
export { GrpcChannelManager, DEFAULT_CONNECT_TIMEOUT_MS } from './channel-manager.js';
export type { GrpcChannelConfig, GrpcChannelSelector, PemInput } from './channel-manager.js';
export { classifyGrpcStatus, decodeRetryDelay, grpcStatusName, GrpcStatusCode } from './grpc-status.js';
export type { GrpcStatusClassification } from './grpc-status.js';
export { grpcHealthCheck } from './health-check.js';
export type { GrpcHealthStatus, GrpcHealthCheckOptions } from './health-check.js';
