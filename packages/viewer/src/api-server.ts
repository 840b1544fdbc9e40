// The page and the JSON API behind it, on the viewer's UI port (16686 by default, as Jaeger's UI).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GrpcReceiverName } from './grpc-receivers.js';
import { send } from './http-body.js';
import type { ReceiverName, ReceiverStats } from './receivers.js';
import type { TraceQuery, TraceStore } from './trace-store.js';
import { VIEWER_PAGE } from './ui/page-html.js';
import { VIEWER_SCRIPT } from './ui/page-script.js';
import { VIEWER_STYLE } from './ui/page-style.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** What `/api/stats` reports besides the store. */
export interface ApiContext {
  store: TraceStore;
  receivers: Partial<Record<ReceiverName | GrpcReceiverName, { port: number; stats: ReceiverStats }>>;
}

class BadQuery extends Error {}

function numberParam(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === null || value.trim() === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new BadQuery(`${name} must be a non-negative number`);
  return number;
}

function textParam(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value.trim() === '' ? undefined : value.trim();
}

/** The trace-list query of `/api/traces`' search parameters. */
export function parseTraceQuery(params: URLSearchParams): TraceQuery {
  const errors = params.get('errorsOnly');
  const query: TraceQuery = {
    service: textParam(params, 'service'),
    operation: textParam(params, 'operation'),
    minDurationMs: numberParam(params, 'minDurationMs'),
    maxDurationMs: numberParam(params, 'maxDurationMs'),
    errorsOnly: errors === 'true' || errors === '1',
    tags: params.getAll('tag').filter((tag) => tag.trim() !== ''),
    limit: numberParam(params, 'limit'),
  };
  return query;
}

const PAGE_HEADERS = {
  // nothing on the page comes from elsewhere: no CDN, no inline script
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

function sendAsset(response: ServerResponse, contentType: string, body: string): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) response.setHeader(name, value);
  send(response, 200, contentType, body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.setHeader('cache-control', 'no-store');
  send(response, status, JSON_TYPE, JSON.stringify(value));
}

/** The UI port's request handler: the page, its script and style, and the JSON API. Never throws. */
export function createApiHandler(context: ApiContext): (request: IncomingMessage, response: ServerResponse) => void {
  const { store } = context;
  return (request, response) => {
    request.resume();
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://viewer.invalid');
    } catch {
      sendJson(response, 400, { error: 'bad request URL' });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      sendJson(response, 405, { error: 'method not allowed' });
      return;
    }
    const path = url.pathname;
    try {
      if (path === '/' || path === '/index.html' || path.startsWith('/trace/')) sendAsset(response, 'text/html; charset=utf-8', VIEWER_PAGE);
      else if (path === '/viewer.js') sendAsset(response, 'text/javascript; charset=utf-8', VIEWER_SCRIPT);
      else if (path === '/viewer.css') sendAsset(response, 'text/css; charset=utf-8', VIEWER_STYLE);
      else if (path === '/favicon.ico') send(response, 204, undefined);
      else if (path === '/api/traces') sendJson(response, 200, { traces: store.findTraces(parseTraceQuery(url.searchParams)) });
      else if (path.startsWith('/api/traces/')) {
        const id = decodeURIComponent(path.slice('/api/traces/'.length));
        const trace = /^[0-9a-fA-F]{1,32}$/.test(id) ? store.getTrace(id) : undefined;
        if (trace === undefined) sendJson(response, 404, { error: `trace ${id.slice(0, 32)} not found` });
        else sendJson(response, 200, trace);
      } else if (path === '/api/services') sendJson(response, 200, { services: store.services() });
      else if (path === '/api/dependencies')
        sendJson(response, 200, { services: store.services().map((service) => service.name), edges: store.dependencies() });
      else if (path === '/api/stats') {
        const receivers: Record<string, unknown> = {};
        for (const [name, receiver] of Object.entries(context.receivers))
          if (receiver !== undefined) receivers[name] = { port: receiver.port, ...receiver.stats };
        sendJson(response, 200, { store: store.stats(), receivers });
      } else sendJson(response, 404, { error: `no such page or API: ${path.slice(0, 80)}` });
    } catch (error) {
      if (error instanceof BadQuery) sendJson(response, 400, { error: error.message });
      else sendJson(response, 500, { error: 'internal error' });
    }
  };
}
