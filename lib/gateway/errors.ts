/**
 * The gateway's one error type. Each code maps to its HTTP status and OpenAI error `type`
 * here and nowhere else; handlers throw codes, the edge turns them into responses.
 */
export type GatewayErrorCode =
  | "invalid_json"
  | "invalid_request"
  | "invalid_api_key"
  | "model_not_found"
  | "route_not_found"
  | "not_found"
  | "method_not_allowed"
  | "request_too_large"
  | "rate_limited"
  | "rate_limit_exceeded"
  | "insufficient_quota"
  | "upstream_error"
  | "no_provider_available"
  | "upstream_timeout"
  | "server_shutting_down"
  | "internal_error";

interface CodeSpec {
  status: number;
  type: string;
  message: string;
}

const CODE_SPECS: Readonly<Record<GatewayErrorCode, CodeSpec>> = {
  invalid_json: { status: 400, type: "invalid_request_error", message: "The request body is not valid JSON." },
  invalid_request: { status: 400, type: "invalid_request_error", message: "The request body is invalid." },
  // One body for missing, malformed, unknown, disabled and expired keys; the key is never echoed.
  invalid_api_key: {
    status: 401,
    type: "invalid_request_error",
    message: "Incorrect API key provided. Send a gateway key as `Authorization: Bearer <key>` or `x-api-key: <key>`.",
  },
  model_not_found: { status: 404, type: "invalid_request_error", message: "The model does not exist." },
  route_not_found: { status: 404, type: "invalid_request_error", message: "This API route is not served." },
  not_found: { status: 404, type: "invalid_request_error", message: "The object does not exist." },
  method_not_allowed: { status: 405, type: "invalid_request_error", message: "This method is not served here." },
  request_too_large: { status: 413, type: "invalid_request_error", message: "The request body is too large." },
  rate_limited: { status: 429, type: "rate_limit_error", message: "All providers are rate limited." },
  // The gateway's own limits (lib/limits): OpenAI's code and type names.
  rate_limit_exceeded: { status: 429, type: "requests", message: "Rate limit reached. Please try again later." },
  insufficient_quota: {
    status: 429,
    type: "insufficient_quota",
    message: "You exceeded your current quota: this API key has reached its spend budget.",
  },
  upstream_error: { status: 502, type: "upstream_error", message: "All providers failed." },
  no_provider_available: { status: 503, type: "server_error", message: "No provider is available." },
  upstream_timeout: { status: 504, type: "timeout_error", message: "The providers did not answer in time." },
  server_shutting_down: { status: 503, type: "server_error", message: "The server is shutting down." },
  internal_error: { status: 500, type: "server_error", message: "The server had an error processing the request." },
};

export interface GatewayErrorOptions {
  param?: string | null;
  /** Sent as `Retry-After` (seconds) with 429. */
  retryAfterSeconds?: number | null;
  /** The OpenAI `type`, where a code has more than one (`requests` or `tokens` for rate limits). */
  type?: string;
  /** Extra response headers (the `x-ratelimit-*` set). */
  headers?: Readonly<Record<string, string>>;
}

// Marked with a registry symbol: `instanceof` fails across Next's separate server chunks.
const GATEWAY_ERROR = Symbol.for("ai-provider-api-server.GatewayError");

export function isGatewayError(error: unknown): error is GatewayError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[GATEWAY_ERROR] === true;
}

export class GatewayError extends Error {
  readonly [GATEWAY_ERROR] = true;
  readonly code: GatewayErrorCode;
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly retryAfterSeconds: number | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: GatewayErrorCode, message?: string, options: GatewayErrorOptions = {}) {
    const spec = CODE_SPECS[code];
    super(message ?? spec.message);
    this.name = "GatewayError";
    this.code = code;
    this.status = spec.status;
    this.type = options.type ?? spec.type;
    this.param = options.param ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.headers = options.headers ?? {};
  }
}

/**
 * Unknown groups and groups the key may not call get the same 404, so a key cannot probe
 * which groups exist. 404 (not 403) because that is what OpenAI clients show as "model not
 * found" and it does not reveal that the name is real.
 */
export function modelNotFound(model: string): GatewayError {
  return new GatewayError("model_not_found", `The model \`${model}\` does not exist or you do not have access to it.`, {
    param: "model",
  });
}

/** Anything that is not a GatewayError is a bug: it reaches the client as a plain 500. */
export function toGatewayError(error: unknown): GatewayError {
  return isGatewayError(error) ? error : new GatewayError("internal_error");
}

/** The OpenAI error body `{"error":{message,type,param,code}}`, also used for stream error events. */
export function serializeError(error: GatewayError): string {
  return JSON.stringify({
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
  });
}

export function toErrorResponse(error: GatewayError, requestId: string): Response {
  return new Response(serializeError(error), { status: error.status, headers: errorHeaders(error, requestId) });
}

/** The headers of an error response in any API's shape: JSON, the request id, the wait and limits. */
export function errorHeaders(error: GatewayError, requestId: string): Record<string, string> {
  const headers: Record<string, string> = {
    ...error.headers,
    "content-type": "application/json",
    "x-request-id": requestId,
  };
  if (error.retryAfterSeconds !== null) headers["retry-after"] = String(error.retryAfterSeconds);
  return headers;
}
