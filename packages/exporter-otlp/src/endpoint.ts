// Where OTLP requests go: for HTTP, `{endpoint}/v1/traces` and `/v1/metrics` (an endpoint that
// already names `/v1/traces` is used as is); for gRPC, `host:port` (default ports 4317 / 4318).
import { ConfigError } from '@trace/core';
import { redactUrl } from '@trace/core/encoding';

/** OTLP/gRPC receiver port. */
export const OTLP_GRPC_PORT = 4317;
/** OTLP/HTTP receiver port. */
export const OTLP_HTTP_PORT = 4318;

const TRACES_PATH = '/v1/traces';
const METRICS_PATH = '/v1/metrics';

/** URLs of the two OTLP/HTTP signals. */
export interface HttpEndpoints {
  traces: string;
  metrics: string;
}

/** Resolves an HTTP endpoint; throws a {@link ConfigError} when it is not a usable http(s) URL. */
export function resolveHttpEndpoints(endpoint: string): HttpEndpoints {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') throw new ConfigError('OTLP endpoint must be a non-empty URL, e.g. http://otel-collector:4318');
  let text = endpoint.trim();
  const hasScheme = text.includes('://');
  if (!hasScheme) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The text is not shown: an endpoint may carry credentials.
    throw new ConfigError('OTLP endpoint is not a valid URL; use e.g. http://otel-collector:4318');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`OTLP/HTTP endpoint must use http or https, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw new ConfigError('OTLP endpoint must not carry credentials; put them in headers (e.g. Authorization)');
  if (!hasScheme && url.port === '') url.port = String(OTLP_HTTP_PORT);
  const path = url.pathname.replace(/\/+$/, '');
  const base = path.endsWith(TRACES_PATH) ? path.slice(0, -TRACES_PATH.length) : path;
  const prefix = `${url.protocol}//${url.host}`;
  const traces = path.endsWith(TRACES_PATH) ? `${prefix}${path}${url.search}` : `${prefix}${base}${TRACES_PATH}${url.search}`;
  return { traces, metrics: `${prefix}${base}${METRICS_PATH}${url.search}` };
}

/** A gRPC target. */
export interface GrpcTarget {
  host: string;
  port: number;
}

/** Resolves `host:port` (a scheme and a trailing path are ignored); throws a {@link ConfigError} when unusable. */
export function resolveGrpcTarget(endpoint: string): GrpcTarget {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') throw new ConfigError('OTLP/gRPC endpoint must be host:port, e.g. otel-collector:4317');
  let text = endpoint.trim();
  const scheme = text.indexOf('://');
  if (scheme !== -1) text = text.slice(scheme + 3);
  const slash = text.indexOf('/');
  if (slash !== -1) text = text.slice(0, slash);
  let host: string;
  let portText = '';
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) throw new ConfigError(`OTLP/gRPC endpoint "${redactUrl(endpoint)}" has an unclosed IPv6 bracket`);
    host = text.slice(1, close);
    if (text.charAt(close + 1) === ':') portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    if (colon !== -1) portText = text.slice(colon + 1);
  }
  const port = portText === '' ? OTLP_GRPC_PORT : Number(portText);
  if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`OTLP/gRPC endpoint "${redactUrl(endpoint)}" must be host:port with a port between 1 and 65535`);
  }
  return { host, port };
}
