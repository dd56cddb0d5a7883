import type { Settings } from "../../db/settings-schema";
import { isOutboundError, type OutboundErrorCode } from "../http/outbound-error";
import type { AttemptControl } from "./attempt-control";
import type { CompiledKeywords } from "./keywords";
import type { GatewayRuntime, ProviderConfig } from "./types";
import type { ProviderRoute } from "./provider-route";

/** Everything one attempt at one provider needs. */
export interface AttemptContext {
  runtime: GatewayRuntime;
  provider: ProviderConfig;
  settings: Settings;
  keywords: CompiledKeywords;
  /** The body, protocol and answer translation for this provider. */
  route: ProviderRoute;
  /** The client headers this provider's endpoint forwards. */
  forwardedHeaders: Readonly<Record<string, string>>;
  clientSignal: AbortSignal;
  /** When the client's request arrived (epoch ms), for time-to-first-token. */
  receivedAt: number;
}

/** The provider failed: fail over and count it against its breaker. */
export interface AttemptFailure {
  kind: "failure";
  status: number | null;
  /** Plain words, never a key, URL, host or port. */
  reason: string;
  retryAfterMs: number | null;
  isTimeout: boolean;
}

/** The provider rejected the client's own request: returned as is, not counted. */
export interface AttemptClientError {
  kind: "client_error";
  status: number;
  body: Uint8Array;
}

/** The client went away; nothing to fail over to and nothing to count. */
export interface AttemptAborted {
  kind: "aborted";
  status: number | null;
}

export interface AttemptSuccess<T> {
  kind: "success";
  status: number;
  value: T;
}

export type AttemptResult<T> = AttemptSuccess<T> | AttemptFailure | AttemptClientError | AttemptAborted;

export function fail(reason: string, status: number | null = null, retryAfterMs: number | null = null): AttemptFailure {
  return { kind: "failure", status, reason, retryAfterMs, isTimeout: false };
}

const OUTBOUND_REASONS: Partial<Record<OutboundErrorCode, string>> = {
  address_blocked: "address blocked by the outbound policy",
  dns_failed: "host name could not be resolved",
  connect_timeout: "connect timeout",
  connection_refused: "connection refused",
  connection_reset: "connection reset",
  tls_error: "TLS handshake failed",
  invalid_url: "invalid base URL",
  unsupported_scheme: "unsupported URL scheme",
  credentials_in_url: "credentials in base URL",
};

function describeTimeout(control: AttemptControl): string {
  const { firstTokenMs, totalMs } = control.timeouts;
  if (control.cause === "total_timeout") return `total timeout after ${totalMs} ms`;
  if (control.cause === "idle_timeout") return `no data for ${firstTokenMs} ms`;
  return `first-token timeout after ${firstTokenMs} ms`;
}

/**
 * Turns a rejected send or read into an attempt verdict. Errors are told apart by their
 * typed code or by the abort cause the attempt itself recorded, never by message text.
 */
export function failFromError(
  error: unknown,
  control: AttemptControl,
  status: number | null = null,
): AttemptFailure | AttemptAborted {
  if (control.cause === "client") return { kind: "aborted", status };
  if (control.isTimeout)
    return { kind: "failure", status, reason: describeTimeout(control), retryAfterMs: null, isTimeout: true };
  const code = isOutboundError(error) ? error.code : null;
  if (code === "connect_timeout")
    return { kind: "failure", status, reason: "connect timeout", retryAfterMs: null, isTimeout: true };
  return fail((code && OUTBOUND_REASONS[code]) ?? "connection failed", status);
}
