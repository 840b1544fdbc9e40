// Reading a request body with a size bound, gunzipping it when asked, and answering the errors a
// collector answers. Whatever a client sends, the outcome is a status code, never a throw.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip, inflate } from 'node:zlib';

/** A body the receiver cannot take: the status and a message safe to send back. */
export interface BodyProblem {
  status: 400 | 413 | 415;
  message: string;
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; problem: BodyProblem };

/** Bytes a receiver keeps draining after refusing a body before it drops the connection. */
const DRAIN_LIMIT = 4 * 1024 * 1024;

/**
 * The request's body, decompressed, at most `maxBytes` before and after decompression. A body
 * over the bound is not buffered: it is drained (up to a limit) so the client can read the 413.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      drain(request);
      resolve({ ok: false, problem: { status: 413, message: `request body of ${declared} bytes is over the limit of ${maxBytes}` } });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        request.removeAllListeners('data');
        drain(request);
        finish({ ok: false, problem: { status: 413, message: `request body is over the limit of ${maxBytes} bytes` } });
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', () => finish({ ok: false, problem: { status: 400, message: 'request body could not be read' } }));
    request.on('aborted', () => finish({ ok: false, problem: { status: 400, message: 'request aborted' } }));
    request.on('end', () => {
      if (done) return;
      const raw = Buffer.concat(chunks, size);
      decompress(raw, request.headers['content-encoding'], maxBytes).then(finish, () =>
        finish({ ok: false, problem: { status: 400, message: 'request body could not be decompressed' } }),
      );
    });
  });
}

function drain(request: IncomingMessage): void {
  let drained = 0;
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT) request.destroy();
  });
  request.on('error', () => {});
  request.resume();
}

function decompress(raw: Buffer, encodingHeader: string | undefined, maxBytes: number): Promise<BodyResult> {
  const encoding = (encodingHeader ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return Promise.resolve({ ok: true, body: raw });
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    return Promise.resolve({ ok: false, problem: { status: 415, message: `unsupported Content-Encoding ${JSON.stringify(encoding.slice(0, 40))}` } });
  }
  const inflateFn = encoding === 'gzip' ? gunzip : inflate;
  return new Promise((resolve) => {
    inflateFn(raw, { maxOutputLength: maxBytes }, (error, body) => {
      if (error === null) resolve({ ok: true, body });
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        resolve({ ok: false, problem: { status: 413, message: `decompressed body is over the limit of ${maxBytes} bytes` } });
      } else resolve({ ok: false, problem: { status: 400, message: `request body is not valid ${encoding}` } });
    });
  });
}

/** The media type of a Content-Type header, lowercased, without parameters; `''` when absent. */
export function mediaType(request: IncomingMessage): string {
  const header = request.headers['content-type'] ?? '';
  const semicolon = header.indexOf(';');
  return (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

/** Sends `body` with `status` and `contentType`, closing nothing the client still uses. */
export function send(response: ServerResponse, status: number, contentType: string | undefined, body: string | Uint8Array = ''): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const headers: Record<string, string | number> = { 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length };
  if (contentType !== undefined) headers['content-type'] = contentType;
  response.writeHead(status, headers);
  response.end(body);
}
