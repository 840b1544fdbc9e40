// The three HTTP receivers: each one path, the media types its backend accepts, and its answers.
//   OTLP/HTTP  POST /v1/traces      application/x-protobuf | application/json   → 200 (empty response)
//   Zipkin v2  POST /api/v2/spans   application/json | application/x-protobuf   → 202
//   Jaeger     POST /api/traces     application/x-thrift (TBinaryProtocol Batch) → 202
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BodyProblem, mediaType, readBody, send } from './http-body.js';
import { decodeJaegerThrift } from './jaeger-thrift-decoder.js';
import type { ViewerSpan } from './model.js';
import { decodeOtlpJson, decodeOtlpProtobuf } from './otlp-decoder.js';
import type { TraceStore } from './trace-store.js';
import { decodeZipkinJson, decodeZipkinProtobuf } from './zipkin-decoder.js';

/** The receivers a viewer runs. */
export type ReceiverName = 'otlp' | 'zipkin' | 'jaeger';

/** Counts of one receiver. */
export interface ReceiverStats {
  /** Requests whose spans were stored. */
  acceptedRequests: number;
  acceptedSpans: number;
  /** Requests answered 4xx, by status code. */
  rejectedRequests: Record<string, number>;
}

type Decoder = (body: Buffer) => ViewerSpan[];

interface ReceiverSpec {
  path: string;
  /** Media type → decoder. `''` is a request without Content-Type. */
  decoders: Record<string, Decoder>;
  /** The answer to a good request. */
  success(response: ServerResponse, type: string): void;
  /** The answer to a bad one. */
  failure(response: ServerResponse, type: string, problem: BodyProblem): void;
}

const OTLP_PROTOBUF = 'application/x-protobuf';
const OTLP_JSON = 'application/json';

/** A google.rpc.Status { code = 1, message = 2 } in protobuf, as the OTLP spec asks of errors. */
function encodeRpcStatus(code: number, message: string): Uint8Array {
  const text = Buffer.from(message, 'utf8');
  const out: number[] = [0x08, code, 0x12];
  let length = text.length;
  while (length > 0x7f) {
    out.push((length & 0x7f) | 0x80);
    length >>>= 7;
  }
  out.push(length);
  return Buffer.concat([Buffer.from(out), text]);
}

/** gRPC code of a refused OTLP request: INVALID_ARGUMENT, or RESOURCE_EXHAUSTED for 413. */
function rpcCode(status: number): number {
  return status === 413 ? 8 : 3;
}

const text = 'text/plain; charset=utf-8';

const SPECS: Record<ReceiverName, ReceiverSpec> = {
  otlp: {
    path: '/v1/traces',
    decoders: {
      [OTLP_PROTOBUF]: decodeOtlpProtobuf,
      'application/protobuf': decodeOtlpProtobuf,
      [OTLP_JSON]: (body) => decodeOtlpJson(body.toString('utf8')),
    },
    success(response, type) {
      // an empty ExportTraceServiceResponse: full success, no partial_success
      if (type === OTLP_JSON) send(response, 200, OTLP_JSON, '{}');
      else send(response, 200, OTLP_PROTOBUF, new Uint8Array(0));
    },
    failure(response, type, problem) {
      if (type === OTLP_JSON) send(response, problem.status, OTLP_JSON, JSON.stringify({ code: rpcCode(problem.status), message: problem.message }));
      else send(response, problem.status, OTLP_PROTOBUF, encodeRpcStatus(rpcCode(problem.status), problem.message));
    },
  },
  zipkin: {
    path: '/api/v2/spans',
    decoders: {
      'application/json': (body) => decodeZipkinJson(body.toString('utf8')),
      // Zipkin reads a body without Content-Type as JSON
      '': (body) => decodeZipkinJson(body.toString('utf8')),
      'application/x-protobuf': decodeZipkinProtobuf,
      'application/protobuf': decodeZipkinProtobuf,
    },
    success(response) {
      send(response, 202, undefined);
    },
    failure(response, _type, problem) {
      send(response, problem.status, text, `${problem.message}\n`);
    },
  },
  jaeger: {
    path: '/api/traces',
    decoders: {
      'application/x-thrift': decodeJaegerThrift,
      'application/vnd.apache.thrift.binary': decodeJaegerThrift,
    },
    success(response) {
      send(response, 202, undefined);
    },
    failure(response, _type, problem) {
      send(response, problem.status, text, `${problem.message}\n`);
    },
  },
};

/** The receiver's default path. */
export function receiverPath(name: ReceiverName): string {
  return SPECS[name].path;
}

/**
 * A request handler for one receiver feeding `store`. It answers every request (404 for another
 * path, 405 for another method, 415 for a media type the backend does not take, 413 for a body
 * over `maxBodyBytes`, 400 for one that does not decode) and never throws.
 */
export function createReceiverHandler(
  name: ReceiverName,
  store: TraceStore,
  maxBodyBytes: number,
  stats: ReceiverStats,
): (request: IncomingMessage, response: ServerResponse) => void {
  const spec = SPECS[name];
  const reject = (response: ServerResponse, type: string, problem: BodyProblem) => {
    stats.rejectedRequests[problem.status] = (stats.rejectedRequests[problem.status] ?? 0) + 1;
    spec.failure(response, type, problem);
  };
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    // browsers exporting OTLP (or Zipkin) straight from a page ask first
    response.setHeader('access-control-allow-origin', '*');
    if (path !== spec.path) {
      request.resume();
      send(response, 404, text, `not found: this port takes POST ${spec.path}\n`);
      return;
    }
    if (request.method === 'OPTIONS') {
      response.setHeader('access-control-allow-methods', 'POST');
      response.setHeader('access-control-allow-headers', 'content-type, content-encoding');
      send(response, 204, undefined);
      return;
    }
    if (request.method !== 'POST') {
      request.resume();
      response.setHeader('allow', 'POST');
      send(response, 405, text, 'method not allowed: use POST\n');
      return;
    }
    const type = mediaType(request);
    const decoder = Object.hasOwn(spec.decoders, type) ? spec.decoders[type] : undefined;
    if (decoder === undefined) {
      request.resume();
      const accepted = Object.keys(spec.decoders).filter((key) => key !== '');
      reject(response, type, { status: 415, message: `unsupported Content-Type ${JSON.stringify(type.slice(0, 60))}; use ${accepted.join(' or ')}` });
      return;
    }
    readBody(request, maxBodyBytes).then(
      (result) => {
        if (!result.ok) {
          reject(response, type, result.problem);
          return;
        }
        let spans: ViewerSpan[];
        try {
          spans = decoder(result.body);
        } catch (error) {
          reject(response, type, { status: 400, message: `malformed ${name} request: ${error instanceof Error ? error.message : 'cannot decode'}` });
          return;
        }
        store.add(spans);
        stats.acceptedRequests++;
        stats.acceptedSpans += spans.length;
        spec.success(response, type);
      },
      () => reject(response, type, { status: 400, message: 'request could not be read' }),
    );
  };
}
