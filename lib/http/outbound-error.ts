/**
 * Why an outbound request failed, as a closed set. Callers switch on `code`; they never
 * look at message text, and messages never carry a host, port or credential.
 */
export type OutboundErrorCode =
  | "invalid_url"
  | "unsupported_scheme"
  | "credentials_in_url"
  | "address_blocked"
  | "dns_failed"
  | "connect_timeout"
  | "connection_refused"
  | "connection_reset"
  | "connection_failed"
  | "tls_error"
  | "aborted"
  | "timeout"
  | "too_many_redirects"
  | "response_too_large"
  | "not_json"
  | "invalid_json"
  | "http_error";

const MESSAGES: Record<OutboundErrorCode, string> = {
  invalid_url: "The URL is not valid",
  unsupported_scheme: "Only http and https URLs are allowed",
  credentials_in_url: "URLs must not contain credentials",
  address_blocked: "The address is blocked by the outbound policy",
  dns_failed: "The host name could not be resolved",
  connect_timeout: "Connecting took too long",
  connection_refused: "The connection was refused",
  connection_reset: "The connection was reset",
  connection_failed: "The connection failed",
  tls_error: "The TLS handshake failed",
  aborted: "The request was aborted",
  timeout: "The request took too long",
  too_many_redirects: "Too many redirects",
  response_too_large: "The response is too large",
  not_json: "The response is not JSON",
  invalid_json: "The response is not valid JSON",
  http_error: "The server answered with an error status",
};

// Next bundles this module into several server chunks, so `instanceof` fails across them;
// a registry symbol marks the errors instead.
const OUTBOUND_ERROR = Symbol.for("ai-provider-api-server.OutboundError");

export class OutboundError extends Error {
  readonly [OUTBOUND_ERROR] = true;
  readonly code: OutboundErrorCode;
  /** The HTTP status, for `http_error`. */
  readonly status: number | null;

  constructor(code: OutboundErrorCode, options: { status?: number; cause?: unknown } = {}) {
    super(options.status ? `${MESSAGES[code]} (HTTP ${options.status})` : MESSAGES[code], { cause: options.cause });
    this.name = "OutboundError";
    this.code = code;
    this.status = options.status ?? null;
  }
}

export function isOutboundError(error: unknown): error is OutboundError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[OUTBOUND_ERROR] === true;
}

const ERRNO_CODES: Readonly<Record<string, OutboundErrorCode>> = {
  ECONNREFUSED: "connection_refused",
  ECONNRESET: "connection_reset",
  EPIPE: "connection_reset",
  ERR_STREAM_PREMATURE_CLOSE: "connection_reset",
  HPE_INVALID_CONSTANT: "connection_reset",
  ENOTFOUND: "dns_failed",
  EAI_AGAIN: "dns_failed",
  EAI_FAIL: "dns_failed",
  ETIMEDOUT: "connect_timeout",
  EPROTO: "tls_error",
  ABORT_ERR: "aborted",
};

/** Maps a Node socket/stream error to the closed set; the original stays as `cause`. */
export function toOutboundError(error: unknown): OutboundError {
  if (isOutboundError(error)) return error;
  const code = readErrorCode(error);
  if (code && ERRNO_CODES[code]) return new OutboundError(ERRNO_CODES[code], { cause: error });
  if (code && (code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || code.includes("CERT"))) {
    return new OutboundError("tls_error", { cause: error });
  }
  if (error instanceof AggregateError && error.errors.length > 0) {
    // Happy-eyeballs connects report every address tried; the last one says why.
    return toOutboundError(error.errors[error.errors.length - 1]);
  }
  return new OutboundError("connection_failed", { cause: error });
}

function readErrorCode(error: unknown): string | null {
  if (typeof error !== "object" || error === null || !("code" in error)) return null;
  return typeof error.code === "string" ? error.code : null;
}
