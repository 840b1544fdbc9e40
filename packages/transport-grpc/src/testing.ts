// `@trace/transport-grpc/testing`: the stub gRPC transport for unit tests of exporter logic, next
// to the real one it stands in for. A separate entry so production bundles of the main entry never carry test code.
export { createStubGrpcTransport, StubGrpcTransport } from '@trace/core/testing';
