// The viewer the demo shows its traces in, and the real exporter that sends them there.
import { OtlpExporter } from '@trace/exporter-otlp';
import { createServiceResource } from '@trace/otel-adapter';
import { type ViewerHandle, startViewer } from '@trace/viewer';

/** A started viewer, and whether it had to take free ports because the usual ones were busy. */
export interface DemoViewer {
  viewer: ViewerHandle;
  portsWereBusy: boolean;
}

/**
 * Starts the viewer on its usual ports (page 16686, OTLP 4318, Zipkin 9411, Jaeger 14268) so other
 * apps can send to it too; when one is taken (a Jaeger already running, say), on free ports.
 * `TRACE_DEMO_VIEWER_PORTS=0` asks for free ports from the start (tests).
 */
export async function startDemoViewer(env: Readonly<Record<string, string | undefined>> = process.env): Promise<DemoViewer> {
  const free = { port: 0, otlpPort: 0, zipkinPort: 0, jaegerPort: 0 };
  if (env.TRACE_DEMO_VIEWER_PORTS?.trim() === '0') return { viewer: await startViewer(free), portsWereBusy: false };
  try {
    return { viewer: await startViewer(), portsWereBusy: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return { viewer: await startViewer(free), portsWereBusy: true };
  }
}

/** OTLP/HTTP protobuf to the viewer's receiver: the same exporter an app would point at a collector. */
export function createViewerOtlpExporter(viewer: ViewerHandle): OtlpExporter {
  return new OtlpExporter({
    endpoint: `http://127.0.0.1:${viewer.ports.otlp}`,
    format: 'otlp_http_protobuf',
    timeoutMs: 2000,
    resource: createServiceResource('trace-demo', '0.0.0'),
  });
}
