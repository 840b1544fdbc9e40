// A span's status as OpenTelemetry's mapping to Jaeger reports it: `otel.status_code` (`OK` or
// `ERROR`, absent while unset) and `otel.status_description` (the error's description, when
// there is one), next to the `error` flag Jaeger itself filters on.
import type { Span, TagValue } from '@trace/core';

/** Tag key of the status code. */
export const STATUS_CODE_TAG = 'otel.status_code';
/** Tag key of the status description. */
export const STATUS_DESCRIPTION_TAG = 'otel.status_description';
/** The status code tag value of an error status. */
export const STATUS_ERROR = 'ERROR';

/** The status tags of one span. */
export interface JaegerStatus {
  /** `OK`, `ERROR`, or `undefined` for an unset status (not reported). */
  code: string | undefined;
  /** The error's description: the status message, else the span's `error.message` tag. */
  description: TagValue | undefined;
}

// Encoding is synchronous: one instance serves every span, so reading a status allocates nothing.
const current: JaegerStatus = { code: undefined, description: undefined };

/** The status of `span` (the returned object is reused by the next call). */
export function jaegerStatusOf(span: Span): JaegerStatus {
  const status = span.status;
  if (status === 'error') {
    current.code = STATUS_ERROR;
    const message = span.statusMessage;
    current.description = message !== '' ? message : span.tags['error.message'];
  } else {
    current.code = status === 'ok' ? 'OK' : undefined;
    current.description = undefined;
  }
  return current;
}

/** Whether a user tag has a key the status tags replace. */
export function isStatusTag(key: string): boolean {
  return key === STATUS_CODE_TAG || key === STATUS_DESCRIPTION_TAG;
}
