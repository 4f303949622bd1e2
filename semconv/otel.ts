/** General (stable) OpenTelemetry semantic conventions tracegate uses next to the GenAI ones. */
import { attribute, event } from './registry.js';

export const ATTR_SERVER_ADDRESS = attribute('otel', 'server.address', {
  type: 'string',
  on: ['attempt', 'metric'],
  description: 'Host of the upstream the attempt was sent to.',
});
export const ATTR_SERVER_PORT = attribute('otel', 'server.port', {
  type: 'int',
  on: ['attempt', 'metric'],
  description: 'Port of the upstream.',
});
export const ATTR_HTTP_RESPONSE_STATUS_CODE = attribute('otel', 'http.response.status_code', {
  type: 'int',
  on: ['attempt'],
  description: 'HTTP status of the upstream answer (or the status of the typed error when no answer came).',
});
export const ATTR_HTTP_REQUEST_METHOD = attribute('otel', 'http.request.method', {
  type: 'string',
  on: ['call'],
  description: 'SERVER call spans (proxy): method of the client request.',
});
export const ATTR_HTTP_ROUTE = attribute('otel', 'http.route', {
  type: 'string',
  on: ['call'],
  description: 'SERVER call spans (proxy): route of the client request.',
});
export const ATTR_ERROR_TYPE = attribute('otel', 'error.type', {
  type: 'string',
  on: ['call', 'attempt', 'event', 'metric'],
  description:
    'tracegate\'s error class (`rate_limit`, `timeout`, `upstream_unavailable`, `connection`, `invalid_response`, `authentication`, `bad_request`, `budget_exceeded`, `circuit_open`, `guardrail`, `aborted`, `stream_interrupted`, ...), else `_OTHER`.',
});
export const ATTR_EXCEPTION_TYPE = attribute('otel', 'exception.type', {
  type: 'string',
  on: ['event'],
  description: 'Error class name on the `exception` event (no stack trace: errors come from upstream).',
});
export const ATTR_EXCEPTION_MESSAGE = attribute('otel', 'exception.message', {
  type: 'string',
  on: ['event'],
  description: 'Error message (secrets scrubbed by the core).',
});
export const EVENT_EXCEPTION = event('otel', 'exception', {
  on: ['call', 'attempt'],
  description: 'The error a failed attempt or call ended with.',
});

/** Fallback `error.type` value defined by the conventions. */
export const ERROR_TYPE_OTHER = '_OTHER';
