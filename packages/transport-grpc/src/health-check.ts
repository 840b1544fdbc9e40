// The standard gRPC health check (https://github.com/grpc/grpc/blob/master/doc/health-checking.md):
// unary `grpc.health.v1.Health/Check` with HealthCheckRequest{ string service = 1 } answered by
// HealthCheckResponse{ ServingStatus status = 1 }. The two messages are encoded by hand.
import { type Result, TransportError, err, ok } from '@trace/core';
import { type GrpcChannelConfig, GrpcChannelManager } from './channel-manager.js';
import { DefaultGrpcTransport } from './grpc-transport.js';
import { encodeStringField, readWireFields } from './protobuf-wire.js';

/** `grpc.health.v1.HealthCheckResponse.ServingStatus`, by name. */
export type GrpcHealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 5000;

const SERVING_STATUSES: readonly GrpcHealthStatus[] = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** Options of {@link grpcHealthCheck}. */
export interface GrpcHealthCheckOptions {
  /** Service to ask about; `''` (default) asks about the server as a whole. */
  service?: string;
  /** Deadline of the check. Default 5000. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Check over this pool's channel instead of a temporary one (`config` is then ignored). */
  channelManager?: GrpcChannelManager;
}

/** Splits `host:port` / `[v6]:port`; `undefined` when the port is missing or not a number. */
function splitTarget(target: string): { host: string; port: number } | undefined {
  const colon = target.lastIndexOf(':');
  if (colon <= 0) return undefined;
  let host = target.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = target.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  return { host, port: Number(portText) };
}

/**
 * Asks `target` (`host:port`) for its health over `grpc.health.v1.Health/Check`. Resolves to the serving status the server reported, or a
 * `TransportError` when it could not be asked: unreachable, TLS failure, deadline, or a server
 * without the health service (`UNIMPLEMENTED`) or that does not know `service` (`NOT_FOUND`).
 * Never throws; an invalid `config` is reported as an `invalid-request` error.
 */
export async function grpcHealthCheck(
  target: string,
  config: GrpcChannelConfig = {},
  options: GrpcHealthCheckOptions = {},
): Promise<Result<GrpcHealthStatus, TransportError>> {
  const parts = splitTarget(target);
  // The target is not echoed: a mistaken "https://user:token@host" would put the token in the message.
  if (parts === undefined)
    return err(new TransportError('invalid-request', 'health check target must be "host:port" (a name or address and a port number)', false));
  let manager: GrpcChannelManager;
  let transport: DefaultGrpcTransport;
  try {
    manager = options.channelManager ?? new GrpcChannelManager(config);
    // A health check is awaited by whoever asked for it: it keeps the process alive until it ends.
    transport = new DefaultGrpcTransport({
      channelManager: manager,
      defaultTimeoutMs: options.timeoutMs ?? DEFAULT_HEALTH_CHECK_TIMEOUT_MS,
      keepProcessAlive: true,
    });
  } catch (cause) {
    return err(new TransportError('invalid-request', `invalid health check config or timeout: ${(cause as Error).message}`, false, { cause }));
  }
  try {
    const connected = transport.connect(parts.host, parts.port);
    if (!connected.ok) return err(new TransportError('invalid-request', connected.error.message, false));
    const result = await transport.send({
      service: 'grpc.health.v1.Health',
      method: 'Check',
      body: encodeStringField(1, options.service ?? ''),
      signal: options.signal,
    });
    if (!result.ok) return result;
    const fields = readWireFields(result.value.body);
    if (fields === undefined) return err(new TransportError('protocol', `health check answer from ${target} is not a valid HealthCheckResponse`, false));
    // proto3 omits the default: no field 1 means status 0, UNKNOWN.
    let code = 0;
    for (const field of fields) if (field.fieldNumber === 1 && field.wireType === 0) code = field.varint;
    return ok(SERVING_STATUSES[code] ?? 'UNKNOWN');
  } finally {
    await transport.close();
    // A temporary channel is closed with the check; a shared pool keeps its channel for reuse.
    if (options.channelManager === undefined) manager.close();
  }
}
