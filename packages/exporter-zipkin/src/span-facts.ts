// What both Zipkin encoders need to know about a span beyond its plain fields: the remote
// endpoint hidden in peer tags, the tags that must not be repeated, the flags `shared` and `debug`.
import type { Span, TagValue } from '@trace/core';
import { type IpAddress, parseIpAddress } from './ip-address.js';

/** Address of an endpoint, as Zipkin's `Endpoint` holds it (the service name comes from the span). */
export interface ZipkinEndpointAddress {
  /** Dotted quad, e.g. `192.168.99.1`. */
  ipv4?: string;
  /** IPv6 text, e.g. `2001:db8::c001`. */
  ipv6?: string;
  /** Listen port, 1-65535. */
  port?: number;
}

/** Options of {@link encodeZipkinJson} and {@link encodeZipkinProto}. */
export interface ZipkinEncodeOptions {
  /** Written as every span's `localEndpoint.serviceName` instead of the span's own service name. */
  serviceName?: string;
  /** Address of this host, written into every `localEndpoint`. */
  localEndpoint?: ZipkinEndpointAddress;
}

/**
 * The address members every span's `localEndpoint` gets from the options: each IP parsed (one
 * that is not an IP literal of its family is left out), the port, 0 when absent or not 1-65535.
 */
export interface LocalAddress {
  readonly ipv4: IpAddress | undefined;
  readonly ipv6: IpAddress | undefined;
  readonly port: number;
}

export function localAddress(options: ZipkinEncodeOptions | undefined): LocalAddress {
  const endpoint = options?.localEndpoint;
  const ipv4 = endpoint?.ipv4 === undefined ? undefined : parseIpAddress(endpoint.ipv4);
  const ipv6 = endpoint?.ipv6 === undefined ? undefined : parseIpAddress(endpoint.ipv6);
  const port = endpoint?.port;
  return {
    ipv4: ipv4?.ipv4 === undefined ? undefined : ipv4,
    ipv6: ipv6?.ipv6 === undefined ? undefined : ipv6,
    port: port !== undefined && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : 0,
  };
}

/** Zipkin `Span.kind` per span kind; internal spans carry none (the schema has no INTERNAL). */
export const JSON_KIND: Readonly<Record<string, string>> = Object.freeze({
  internal: '',
  server: ',"kind":"SERVER"',
  client: ',"kind":"CLIENT"',
  producer: ',"kind":"PRODUCER"',
  consumer: ',"kind":"CONSUMER"',
});

/** `zipkin.proto3.Span.Kind` numbers. */
export const PROTO_KIND: Readonly<Record<string, number>> = Object.freeze({ internal: 0, client: 1, server: 2, producer: 3, consumer: 4 });

/** The remote side of a span, when peer tags name one. */
export interface RemoteEndpoint {
  readonly serviceName: string | undefined;
  readonly address: IpAddress | undefined;
  /** 0 when unknown. */
  readonly port: number;
}

/** What a tag key means to the Zipkin mapping ({@link tagRole}); most keys mean nothing special. */
export const TAG_ROLE_NONE = 0;
const TAG_ROLE_PEER_SERVICE = 1;
const TAG_ROLE_NETWORK_PEER_ADDRESS = 2;
const TAG_ROLE_NET_PEER_IP = 3;
const TAG_ROLE_SERVER_ADDRESS = 4;
const TAG_ROLE_NETWORK_PEER_PORT = 5;
const TAG_ROLE_NET_PEER_PORT = 6;
const TAG_ROLE_SERVER_PORT = 7;
/** The span's own `error` tag: replaced by the status message when the status is error. */
export const TAG_ROLE_ERROR = 8;
/** `span.kind`: never written as a tag, the span's `kind` says it. */
export const TAG_ROLE_SPAN_KIND = 9;
/** `otel.status_code`: replaced by the span's own status when it is set (`ok` or `error`). */
export const TAG_ROLE_STATUS_CODE = 10;

/** Tag key of the span status code, as OpenTelemetry's mapping to Zipkin names it. */
export const STATUS_CODE_TAG = 'otel.status_code';

/**
 * The `otel.status_code` tag value for a span status: `OK` or `ERROR`, or `undefined` for an unset
 * status, which OpenTelemetry's Zipkin mapping leaves out.
 */
export function statusCodeTagValue(status: Span['status']): string | undefined {
  return status === 'ok' ? 'OK' : status === 'error' ? 'ERROR' : undefined;
}

/** The role of a tag key: a peer tag, `error`, `span.kind`, or {@link TAG_ROLE_NONE}. */
export function tagRole(key: string): number {
  switch (key) {
    case 'peer.service':
      return TAG_ROLE_PEER_SERVICE;
    case 'network.peer.address':
      return TAG_ROLE_NETWORK_PEER_ADDRESS;
    case 'net.peer.ip':
      return TAG_ROLE_NET_PEER_IP;
    case 'server.address':
      return TAG_ROLE_SERVER_ADDRESS;
    case 'network.peer.port':
      return TAG_ROLE_NETWORK_PEER_PORT;
    case 'net.peer.port':
      return TAG_ROLE_NET_PEER_PORT;
    case 'server.port':
      return TAG_ROLE_SERVER_PORT;
    case 'error':
      return TAG_ROLE_ERROR;
    case 'span.kind':
      return TAG_ROLE_SPAN_KIND;
    case STATUS_CODE_TAG:
      return TAG_ROLE_STATUS_CODE;
    default:
      return TAG_ROLE_NONE;
  }
}

/** Roles are indexes into {@link TagScan}'s values: one past the highest. */
const TAG_ROLE_COUNT = 11;

/**
 * Peer and error tags of one span, noted by role while its tags are read. One instance serves
 * every span, so noting allocates nothing.
 */
export class TagScan {
  /** The value of the span's tag with each role, by role; `undefined` when it has none. */
  private readonly values: (TagValue | undefined)[] = new Array<TagValue | undefined>(TAG_ROLE_COUNT).fill(undefined);

  /** Whether anything was noted since the last reset: most spans have no such tag. */
  private noted = false;

  /** Forgets the previous span. */
  reset(): void {
    if (!this.noted) return;
    this.values.fill(undefined);
    this.noted = false;
  }

  /** Notes one tag whose key has `role` (see {@link tagRole}). */
  note(role: number, value: TagValue): void {
    this.values[role] = value;
    this.noted = true;
  }

  /** The span's own `error` tag, replaced by the status message when the status is error. */
  get userError(): TagValue | undefined {
    return this.values[TAG_ROLE_ERROR];
  }

  /** Resets, then notes every tag of `tags`. */
  scan(tags: Readonly<Record<string, TagValue>>): void {
    this.reset();
    for (const key in tags) {
      const role = tagRole(key);
      if (role !== TAG_ROLE_NONE) this.note(role, tags[key] as TagValue);
    }
  }

  /**
   * The remote endpoint, or `undefined` when the tags name neither a peer service nor a peer IP.
   * Service: `peer.service`, else a `server.address` that is a host name. Address: the first IP
   * literal among `network.peer.address`, `net.peer.ip`, `server.address`. Port: the first valid
   * one among `network.peer.port`, `net.peer.port`, `server.port`.
   */
  remoteEndpoint(): RemoteEndpoint | undefined {
    const values = this.values;
    const peerService = stringTag(values[TAG_ROLE_PEER_SERVICE]);
    const networkPeerAddress = stringTag(values[TAG_ROLE_NETWORK_PEER_ADDRESS]);
    const netPeerIp = stringTag(values[TAG_ROLE_NET_PEER_IP]);
    const serverAddress = stringTag(values[TAG_ROLE_SERVER_ADDRESS]);
    if (peerService === undefined && networkPeerAddress === undefined && netPeerIp === undefined && serverAddress === undefined) return undefined;
    let address = cachedIp(networkPeerAddress) ?? cachedIp(netPeerIp);
    let serviceName = peerService;
    if (serverAddress !== undefined) {
      const server = cachedIp(serverAddress);
      if (server === undefined) serviceName ??= serverAddress;
      else address ??= server;
    }
    if (serviceName === '') serviceName = undefined;
    if (serviceName === undefined && address === undefined) return undefined;
    const port = portTag(values[TAG_ROLE_NETWORK_PEER_PORT]) || portTag(values[TAG_ROLE_NET_PEER_PORT]) || portTag(values[TAG_ROLE_SERVER_PORT]);
    return { serviceName, address, port };
  }
}

function stringTag(value: TagValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A port from a number or numeric string tag; 0 when it is not an integer in 1-65535. */
function portTag(value: TagValue | undefined): number {
  const port = typeof value === 'number' ? value : typeof value === 'string' && value.length <= 5 ? Number(value) : 0;
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : 0;
}

// Spans of one batch usually talk to the same few peers: remember the last address parsed.
let lastIpText: string | undefined;
let lastIp: IpAddress | undefined;

function cachedIp(text: string | undefined): IpAddress | undefined {
  if (text === undefined) return undefined;
  if (text !== lastIpText) {
    lastIp = parseIpAddress(text);
    lastIpText = text;
  }
  return lastIp;
}

/**
 * A tag value as the string Zipkin wants: strings as they are, numbers and booleans stringified,
 * arrays as their JSON text. Arrays of tag values are plain strings, numbers and booleans, so
 * `JSON.stringify` writes exactly that (non-finite numbers as `null`, lone surrogates escaped).
 */
export function tagValueString(value: TagValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// Span and parent ids compared as bytes: the hex getters would build two strings per server span.
const idScratch = new Uint8Array(16);

/** True for a server span that joins its caller's span: started with the caller's span id. */
export function isSharedSpan(span: Span, kind: Span['kind'] = span.kind): boolean {
  if (kind !== 'server' || !span.hasParent) return false;
  span.writeSpanId(idScratch, 0);
  span.writeParentSpanId(idScratch, 8);
  for (let i = 0; i < 8; i++) if (idScratch[i] !== idScratch[i + 8]) return false;
  return true;
}

/**
 * The `error` tag's value for a span whose status is error: the status description. That is the
 * status message, else the span's own `error` tag when it says more than a flag, else the empty
 * string (OpenTelemetry's Zipkin mapping: Zipkin marks a span failed by the tag's presence).
 */
export function errorTagValue(span: Span, userError: TagValue | undefined): string {
  if (span.statusMessage !== '') return span.statusMessage;
  if (userError === undefined || typeof userError === 'boolean' || userError === 'true' || userError === 'false') return '';
  return tagValueString(userError);
}

/** Epoch µs as the integer Zipkin requires. */
export function micros(value: number): number {
  return Math.round(value);
}

/**
 * Duration in integer µs, at least 1 (the schema's minimum: Zipkin rounds shorter ones up). Not
 * `Math.max`: a NaN duration must become 1 too.
 */
export function durationMicros(value: number): number {
  const rounded = Math.round(value);
  if (rounded >= 1) return rounded;
  return 1;
}
