// A Zipkin-like HTTP server on 127.0.0.1 for the exporter tests: records every request (gzip
// bodies decoded) and answers with the statuses it is told, 202 by default.
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Body as sent on the wire. */
  raw: Buffer;
  /** Body after `Content-Encoding: gzip` was undone. */
  body: Buffer;
}

export interface TestZipkinServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly requests: ReceivedRequest[];
  /** Statuses for the next requests, in order; after they run out the answer is 202. */
  answers: number[];
  /** Headers sent with every answer. */
  answerHeaders: Record<string, string>;
  close(): Promise<void>;
}

export async function startZipkinServer(): Promise<TestZipkinServer> {
  const requests: ReceivedRequest[] = [];
  const state = { answers: [] as number[], answerHeaders: {} as Record<string, string> };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, raw, body });
      const status = state.answers.shift() ?? 202;
      response.writeHead(status, state.answerHeaders);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    get answers() {
      return state.answers;
    },
    set answers(value: number[]) {
      state.answers = value;
    },
    get answerHeaders() {
      return state.answerHeaders;
    },
    set answerHeaders(value: Record<string, string>) {
      state.answerHeaders = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
