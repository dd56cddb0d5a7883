import { decodeUtf8, encodeUtf8 } from "./bytes";
import { errorHeaders, type GatewayError, type GatewayErrorCode } from "./errors";
import { isRecord } from "./json-shape";

/*
 * The gateway's errors in Anthropic's shape, `{"type":"error","error":{"type","message"}}`,
 * with Anthropic's status codes where they differ (529 when no provider can take the request).
 */

const ANTHROPIC_ERRORS: Readonly<Record<GatewayErrorCode, { status: number; type: string }>> = {
  invalid_json: { status: 400, type: "invalid_request_error" },
  invalid_request: { status: 400, type: "invalid_request_error" },
  invalid_api_key: { status: 401, type: "authentication_error" },
  model_not_found: { status: 404, type: "not_found_error" },
  route_not_found: { status: 404, type: "not_found_error" },
  not_found: { status: 404, type: "not_found_error" },
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  request_too_large: { status: 413, type: "request_too_large" },
  rate_limited: { status: 429, type: "rate_limit_error" },
  rate_limit_exceeded: { status: 429, type: "rate_limit_error" },
  insufficient_quota: { status: 429, type: "rate_limit_error" },
  upstream_error: { status: 502, type: "api_error" },
  no_provider_available: { status: 529, type: "overloaded_error" },
  upstream_timeout: { status: 504, type: "timeout_error" },
  server_shutting_down: { status: 529, type: "overloaded_error" },
  internal_error: { status: 500, type: "api_error" },
};

export function serializeAnthropicError(error: GatewayError): string {
  return JSON.stringify({ type: "error", error: { type: ANTHROPIC_ERRORS[error.code].type, message: error.message } });
}

export function toAnthropicErrorResponse(error: GatewayError, requestId: string): Response {
  return new Response(serializeAnthropicError(error), {
    status: ANTHROPIC_ERRORS[error.code].status,
    headers: errorHeaders(error, requestId),
  });
}

export function anthropicErrorEvent(error: GatewayError): Uint8Array {
  return encodeUtf8(`event: error\ndata: ${serializeAnthropicError(error)}\n\n`);
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  422: "invalid_request_error",
  429: "rate_limit_error",
};

/** The message of a provider's error body in either shape (both keep it at `error.message`). */
function providerErrorMessage(bytes: Uint8Array, status: number): string {
  try {
    const payload: unknown = JSON.parse(decodeUtf8(bytes));
    const error = isRecord(payload) ? payload.error : null;
    const text = isRecord(error) ? error.message : error;
    if (typeof text === "string") return text;
  } catch {
    // Not JSON: the plain sentence below.
  }
  return `The provider answered HTTP ${status}.`;
}

/** An OpenAI-shaped 4xx body from a translated provider, in Anthropic's shape (same message). */
export function openAIErrorToAnthropic(bytes: Uint8Array, status: number): Uint8Array {
  const message = providerErrorMessage(bytes, status);
  const type = TYPE_BY_STATUS[status] ?? "invalid_request_error";
  return encodeUtf8(JSON.stringify({ type: "error", error: { type, message } }));
}

const OPENAI_TYPE_BY_STATUS: Record<number, string> = {
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  429: "rate_limit_error",
};

/** An Anthropic-shaped 4xx body from a translated provider, in OpenAI's shape (same message). */
export function anthropicErrorToOpenAI(bytes: Uint8Array, status: number): Uint8Array {
  const message = providerErrorMessage(bytes, status);
  const type = OPENAI_TYPE_BY_STATUS[status] ?? "invalid_request_error";
  return encodeUtf8(JSON.stringify({ error: { message, type, param: null, code: null } }));
}
