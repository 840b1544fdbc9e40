// `@trace/transport-http/testing`: the stub transport for unit tests of exporter logic. A subpath
// of its own so that the main entry never loads test code into production bundles or `require`s.
export { StubHttpTransport, createStubTransport } from '@trace/core/testing';
