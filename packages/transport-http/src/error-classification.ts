// Maps what Node and node-fetch throw to core's TransportError kinds, with messages that say what
// to change. Messages name the method and the redacted URL, never headers or the query string.
import { TransportError } from '@trace/core';

/** Why the transport itself ended a request (or the read of its body) early, recorded before it aborts the request. */
export type AbortReason = 'timeout' | 'aborted' | 'response-too-large' | 'reset' | 'closed';

// X.509 verification failures (OpenSSL verify codes as Node reports them): the server's
// certificate is not acceptable, and retrying will not change that.
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
]);
const CERTIFICATE_DATES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'CERT_REVOKED',
]);
const WRONG_HOST = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

// Network failures worth retrying: the next attempt may find the server up or the route back.
const CONNECTION = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  type?: unknown;
}

function codeOf(error: unknown): string {
  const code = (error as ErrorLike | null)?.code;
  return typeof code === 'string' ? code : '';
}

// node-fetch wraps system errors as "request to <full url> failed, reason: <system message>".
// Only the system part is kept: the full URL may carry credentials or a token in its query.
function reasonOf(error: unknown): string {
  const message = (error as ErrorLike | null)?.message;
  if (typeof message !== 'string') return 'unknown error';
  const marker = message.indexOf('reason: ');
  const reason = (marker === -1 ? message : message.slice(marker + 8)).trim();
  if (reason.indexOf('://') !== -1) return 'request failed';
  return reason.length > 200 ? `${reason.slice(0, 200)}...` : reason;
}

/**
 * The error for a request the transport ended itself before its status arrived (deadline,
 * caller's signal, close). After the status, the transport never fails a request.
 */
export function abortError(reason: AbortReason, target: string, timeoutMs: number): TransportError {
  switch (reason) {
    case 'timeout':
      return new TransportError('timeout', `${target}: no response within ${timeoutMs} ms`, true);
    case 'aborted':
      return new TransportError('aborted', `${target}: request was aborted by its signal`, false);
    case 'reset':
    case 'response-too-large':
      return new TransportError('connection', `${target}: connection closed before the response was complete`, true);
    case 'closed':
      return new TransportError('closed', `${target}: transport was closed while the request was in flight`, false);
  }
}

/** Classifies an error thrown while sending a request or reading its response. */
export function classifyError(error: unknown, target: string): TransportError {
  const code = codeOf(error);
  const reason = reasonOf(error);
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    return new TransportError(
      'tls',
      `${target}: TLS certificate of the server is not trusted (${code}: ${reason}); pass the CA that issued it as the \`ca\` option`,
      false,
    );
  }
  if (CERTIFICATE_DATES.has(code)) {
    return new TransportError('tls', `${target}: TLS certificate of the server is not valid now (${code}: ${reason})`, false);
  }
  if (WRONG_HOST.has(code)) {
    return new TransportError('tls', `${target}: TLS certificate of the server does not name this host (${code}: ${reason})`, false);
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    const hint = /CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|HANDSHAKE_FAILURE/.test(code)
      ? '; the server refused the handshake, check the client `cert` and `key`'
      : code === 'ERR_SSL_WRONG_VERSION_NUMBER' || reason.indexOf('wrong version number') !== -1
        ? '; the server does not speak TLS on this port (plain http?)'
        : '';
    return new TransportError('tls', `${target}: TLS handshake failed (${code}: ${reason})${hint}`, false);
  }
  if (CONNECTION.has(code)) {
    return new TransportError('connection', `${target}: connection failed (${code}: ${reason})`, true);
  }
  if (code.startsWith('HPE_') || code.startsWith('Z_') || code === 'ERR_INVALID_HTTP_RESPONSE') {
    return new TransportError('protocol', `${target}: malformed response from the server (${code}: ${reason})`, false);
  }
  // Anything else below HTTP (an unfamiliar socket error) is treated as a network failure: a
  // bounded retry is cheaper than dropping the batch on an error we did not foresee.
  return new TransportError('connection', `${target}: request failed (${code === '' ? 'no code' : code}: ${reason})`, true);
}
