import { APICallError } from "ai";
import { z } from "zod";
import type { GatewayErrorCode } from "../gateway/errors";
import type { CallLogRecord } from "../gateway/types";
import type { PlaygroundErrorCode } from "./playground-error";

const GATEWAY_CODES: Readonly<Record<GatewayErrorCode, PlaygroundErrorCode>> = {
  invalid_json: "invalid_request",
  invalid_request: "invalid_request",
  invalid_api_key: "unexpected",
  model_not_found: "group_not_found",
  route_not_found: "unexpected",
  not_found: "unexpected",
  method_not_allowed: "unexpected",
  request_too_large: "request_too_large",
  rate_limited: "rate_limited",
  // The playground is a trusted caller: key limits never apply to it.
  rate_limit_exceeded: "rate_limited",
  insufficient_quota: "rate_limited",
  upstream_error: "upstream_error",
  no_provider_available: "no_provider_available",
  upstream_timeout: "upstream_timeout",
  server_shutting_down: "server_shutting_down",
  internal_error: "unexpected",
};

const gatewayErrorSchema = z.object({
  code: z.enum(Object.keys(GATEWAY_CODES) as [GatewayErrorCode, ...GatewayErrorCode[]]),
});
const gatewayErrorBodySchema = z.object({ error: gatewayErrorSchema });

/** The gateway's error code, from a refused request's body or a stream's error event. */
function readGatewayCode(error: unknown): GatewayErrorCode | null {
  if (APICallError.isInstance(error)) {
    try {
      const parsed = gatewayErrorBodySchema.safeParse(JSON.parse(error.responseBody ?? ""));
      return parsed.success ? parsed.data.error.code : null;
    } catch {
      return null;
    }
  }
  const parsed = gatewayErrorSchema.safeParse(error);
  return parsed.success ? parsed.data.code : null;
}

/**
 * Why a playground turn failed, as one of the page's translated codes. The log row decides
 * where it can (it is the gateway's own account); the error text only as a fallback, never
 * shown to the browser as is.
 */
export function toFailureCode(error: unknown, record: Readonly<CallLogRecord> | null): PlaygroundErrorCode {
  if (record?.isIncomplete) return "interrupted";
  const last = record?.attempts[record.attempts.length - 1];
  if (last?.outcome === "client_error") return "provider_rejected";
  const code = readGatewayCode(error);
  if (code) return GATEWAY_CODES[code];
  return "unexpected";
}
