#!/usr/bin/env node
// `npx @trace/viewer`: every receiver and the page on their default ports, until Ctrl-C.
import { parseArgs } from 'node:util';
import { startViewer } from './start-viewer.js';

const HELP = `usage: trace-viewer [options]

  --host <address>      listen address (default 127.0.0.1; 0.0.0.0 exposes it to your network)
  --port <n>            page and JSON API (default 16686)
  --otlp-port <n>       OTLP/HTTP receiver, POST /v1/traces (default 4318; 0 = any free port)
  --zipkin-port <n>     Zipkin v2 receiver, POST /api/v2/spans (default 9411)
  --jaeger-port <n>     Jaeger Thrift/HTTP receiver, POST /api/traces (default 14268)
  --no-otlp, --no-zipkin, --no-jaeger   turn a receiver off
  --grpc                OTLP/gRPC on 4317 and Jaeger gRPC on 14250 too (needs @grpc/grpc-js installed)
  --otlp-grpc-port <n>, --jaeger-grpc-port <n>   one gRPC receiver on that port
  --max-spans <n>       spans kept before the oldest traces go (default 100000)
  --max-bytes <n>       bytes of spans kept (default 268435456)
  -h, --help
`;

function portOption(value: string | undefined, off: boolean | undefined, fallback: number): number | false {
  if (off === true) return false;
  return value === undefined ? fallback : Number(value);
}

function grpcPortOption(value: string | undefined, all: boolean | undefined, fallback: number): number | false {
  if (value !== undefined) return Number(value);
  return all === true ? fallback : false;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'otlp-port': { type: 'string' },
      'zipkin-port': { type: 'string' },
      'jaeger-port': { type: 'string' },
      'no-otlp': { type: 'boolean' },
      'no-zipkin': { type: 'boolean' },
      'no-jaeger': { type: 'boolean' },
      grpc: { type: 'boolean' },
      'otlp-grpc-port': { type: 'string' },
      'jaeger-grpc-port': { type: 'string' },
      'max-spans': { type: 'string' },
      'max-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return;
  }
  const viewer = await startViewer({
    host: values.host,
    port: values.port === undefined ? undefined : Number(values.port),
    otlpPort: portOption(values['otlp-port'], values['no-otlp'], 4318),
    zipkinPort: portOption(values['zipkin-port'], values['no-zipkin'], 9411),
    jaegerPort: portOption(values['jaeger-port'], values['no-jaeger'], 14268),
    otlpGrpcPort: grpcPortOption(values['otlp-grpc-port'], values.grpc, 4317),
    jaegerGrpcPort: grpcPortOption(values['jaeger-grpc-port'], values.grpc, 14250),
    maxSpans: values['max-spans'] === undefined ? undefined : Number(values['max-spans']),
    maxBytes: values['max-bytes'] === undefined ? undefined : Number(values['max-bytes']),
  });
  const lines = [`trace viewer: ${viewer.url}`];
  if (viewer.endpoints.otlp !== undefined) lines.push(`  OTLP/HTTP  ${viewer.endpoints.otlp}  (protobuf, JSON)`);
  if (viewer.endpoints.zipkin !== undefined) lines.push(`  Zipkin     ${viewer.endpoints.zipkin}  (JSON v2, protobuf)`);
  if (viewer.endpoints.jaeger !== undefined) lines.push(`  Jaeger     ${viewer.endpoints.jaeger}  (Thrift binary)`);
  if (viewer.endpoints.otlpGrpc !== undefined) lines.push(`  OTLP/gRPC  ${viewer.endpoints.otlpGrpc}`);
  if (viewer.endpoints.jaegerGrpc !== undefined) lines.push(`  Jaeger gRPC ${viewer.endpoints.jaegerGrpc}`);
  process.stdout.write(`${lines.join('\n')}\nCtrl-C to stop\n`);
  const stop = () => {
    viewer.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`trace-viewer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
