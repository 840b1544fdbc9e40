// Test helpers: a real OTLP/HTTP receiver on 127.0.0.1 whose requests are decoded with the
// official protos, and the service apps run as child processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { type IncomingHttpHeaders, type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { otlpTraceRequestType } from '@trace-tools/test-kit';

/** One decoded span, flattened for assertions. Ids are hex. */
export interface WireSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: number;
  service: string;
  attributes: Record<string, string | number | boolean>;
  events: string[];
}

export const KIND_SERVER = 2;
export const KIND_CLIENT = 3;
export const STATUS_ERROR = 2;

interface DecodedValue {
  stringValue?: string;
  intValue?: string;
  boolValue?: boolean;
  doubleValue?: number;
}
interface DecodedKeyValue {
  key: string;
  value: DecodedValue;
}

function plainValue(value: DecodedValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  return value.doubleValue ?? '';
}

function toAttributes(list: DecodedKeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const entry of list ?? []) out[entry.key] = plainValue(entry.value);
  return out;
}

/** A receiver of OTLP/HTTP protobuf exports; keeps every span and every request's headers. */
export class OtlpReceiver {
  readonly spans: WireSpan[] = [];
  readonly requestHeaders: IncomingHttpHeaders[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    const type = otlpTraceRequestType();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requestHeaders.push(req.headers);
        const message = type.toObject(type.decode(Buffer.concat(chunks)), { longs: String, enums: Number, bytes: String, defaults: true, arrays: true }) as {
          resourceSpans: { resource: { attributes: DecodedKeyValue[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[];
        };
        for (const resourceSpans of message.resourceSpans) {
          const service = String(toAttributes(resourceSpans.resource.attributes)['service.name']);
          for (const scope of resourceSpans.scopeSpans) {
            for (const span of scope.spans) {
              this.spans.push({
                traceId: Buffer.from(span.traceId as string, 'base64').toString('hex'),
                spanId: Buffer.from(span.spanId as string, 'base64').toString('hex'),
                parentSpanId: Buffer.from(span.parentSpanId as string, 'base64').toString('hex'),
                name: span.name as string,
                kind: span.kind as number,
                status: (span.status as { code: number } | null)?.code ?? 0,
                service,
                attributes: toAttributes(span.attributes as DecodedKeyValue[]),
                events: ((span.events as { name: string }[]) ?? []).map((event) => event.name),
              });
            }
          }
        }
        res.setHeader('content-type', 'application/x-protobuf');
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits until a span matching `predicate` arrived (bounded). */
  async waitFor(predicate: (span: WireSpan) => boolean, timeoutMs = 5000): Promise<WireSpan> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.spans.find(predicate);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error('expected span did not arrive');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A child process running one of the apps in test/apps, with its two ports. */
export interface RunningApp {
  child: ChildProcess;
  front: number;
  back: number;
  stop(): Promise<void>;
}

export async function startApp(file: string, receiverUrl: string): Promise<RunningApp> {
  const child = spawn(process.execPath, [path.join(__dirname, 'apps', file)], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, RECEIVER_URL: receiverUrl, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = await new Promise<{ front: number; back: number }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${file} did not start`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.indexOf('\n');
      if (line !== -1) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, line)) as { front: number; back: number });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}`));
    });
  });
  return {
    child,
    ...ports,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** GET on 127.0.0.1 with a fresh connection; resolves with status and body. */
export function get(port: number, target: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: target, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts a GET and destroys it after `afterMs`, before any answer. */
export function abandon(port: number, target: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: target, agent: false });
    req.on('error', () => resolve());
    req.end();
    setTimeout(() => req.destroy(), afterMs);
  });
}

/** Node versions that publish `http.client.request.created`, where http.request headers can be injected. */
export const HTTP_CLIENT_INJECTS = (() => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 2) || (major === 22 && minor >= 12);
})();
