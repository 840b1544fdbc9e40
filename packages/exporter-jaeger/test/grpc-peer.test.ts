// The optional @trace/transport-grpc peer as an app meets it (missing, broken, throwing at load,
// too old, present), from `import` and from `require`: the cases live in the test kit.
import { join } from 'node:path';
import { describeGrpcPeerLoading } from '@trace-tools/test-kit';

describeGrpcPeerLoading({
  packageName: '@trace/exporter-jaeger',
  packageDir: join(__dirname, '..'),
  linked: ['core', 'transport-http'],
  exporterClass: 'JaegerExporter',
  newExporter: "new JaegerExporter({ endpoint: '127.0.0.1:1', format: 'jaeger_grpc' })",
  grpcCall: 'jaeger.api_v2.CollectorService/PostSpans',
});
