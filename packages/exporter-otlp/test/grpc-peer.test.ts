// The optional @trace/transport-grpc peer as an app meets it (missing, broken, throwing at load,
// too old, present), from `import` and from `require`: the cases live in the test kit.
import { join } from 'node:path';
import { describeGrpcPeerLoading } from '@trace-tools/test-kit';

describeGrpcPeerLoading({
  packageName: '@trace/exporter-otlp',
  packageDir: join(__dirname, '..'),
  linked: ['core', 'otel-adapter', 'transport-http'],
  exporterClass: 'OtlpExporter',
  newExporter: "new OtlpExporter({ endpoint: '127.0.0.1:1', format: 'otlp_grpc' })",
  grpcCall: 'opentelemetry.proto.collector.trace.v1.TraceService/Export',
});
