import "server-only";
import { performance } from "node:perf_hooks";
import { AttemptControl } from "../gateway/attempt-control";
import { decodeUtf8 } from "../gateway/bytes";
import { isRecord } from "../gateway/json-shape";
import { compileKeywords } from "../gateway/keywords";
import type { ProviderConfig, UpstreamSend } from "../gateway/types";
import { buildUpstreamRequest, resolveTimeouts } from "../gateway/upstream-request";
import { BodyTooLargeError, readUpstreamBody } from "../gateway/upstream-status";
import { generationWire } from "../gateway/wire";
import { isOutboundError, type OutboundErrorCode } from "../http/outbound-error";
import type { ServerState } from "./state";

/** Why a test failed, as a key of `Providers.test.problems` (the browser translates it). */
export type ProviderTestProblem =
  | "httpError"
  | "invalidAnswer"
  | "connectTimeout"
  | "firstTokenTimeout"
  | "totalTimeout"
  | "connectionRefused"
  | "connectionFailed"
  | "dnsFailed"
  | "tlsError"
  | "addressBlocked"
  | "invalidUrl"
  | "tooLarge"
  | "keyUnreadable";

export interface ProviderTestResult {
  isOk: boolean;
  /** The upstream's HTTP status, or null when none arrived. */
  status: number | null;
  latencyMs: number;
  problem: ProviderTestProblem | null;
  /** The upstream's own error text (or the gateway's reason for a bad answer), redacted and cut short. */
  detail: string | null;
}

const MAX_TEST_BODY_BYTES = 1024 * 1024;
const MAX_DETAIL_CHARS = 300;
/** Any run of this many characters of a secret counts as leaking it. */
const SECRET_WINDOW = 8;
const REDACTED = "••••";

const OUTBOUND_PROBLEMS: Partial<Record<OutboundErrorCode, ProviderTestProblem>> = {
  connect_timeout: "connectTimeout",
  connection_refused: "connectionRefused",
  dns_failed: "dnsFailed",
  tls_error: "tlsError",
  address_blocked: "addressBlocked",
  invalid_url: "invalidUrl",
  unsupported_scheme: "invalidUrl",
  credentials_in_url: "invalidUrl",
};

/** The minimal request of the dashboard's Test button (the same shape in both protocols). */
export function buildTestBody(upstreamModel: string): string {
  return JSON.stringify({ model: upstreamModel, messages: [{ role: "user", content: "ping" }], max_tokens: 1 });
}

/**
 * Removes every run of `SECRET_WINDOW` or more characters of any secret (so an upstream echoing
 * a key, whole or in part, shows only a mask), control characters and extra whitespace; then
 * cuts the text short. The browser renders the result as plain text.
 */
export function redactDetail(text: string, secrets: readonly string[], maxChars = MAX_DETAIL_CHARS): string {
  const head = text.slice(0, maxChars * 8);
  const hidden = new Uint8Array(head.length);
  for (const secret of secrets) {
    if (secret.length < SECRET_WINDOW) {
      if (secret.length > 0) markAll(head, secret, hidden);
      continue;
    }
    for (let start = 0; start + SECRET_WINDOW <= secret.length; start += 1)
      markAll(head, secret.slice(start, start + SECRET_WINDOW), hidden);
  }
  let redacted = "";
  for (let i = 0; i < head.length; i += 1) {
    if (!hidden[i]) redacted += head[i];
    else if (i === 0 || !hidden[i - 1]) redacted += REDACTED;
  }
  const flat = redacted.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, " ").trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}

function markAll(text: string, needle: string, hidden: Uint8Array): void {
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1))
    hidden.fill(1, at, at + needle.length);
}

/** `error.message`, a string `error`, or a top-level `message` of a JSON body; else null. */
function readErrorMessage(bytes: Uint8Array): string | null {
  try {
    const payload: unknown = JSON.parse(decodeUtf8(bytes));
    if (!isRecord(payload)) return null;
    const error = payload.error;
    if (isRecord(error) && typeof error.message === "string") return error.message;
    if (typeof error === "string") return error;
    return typeof payload.message === "string" ? payload.message : null;
  } catch {
    return null;
  }
}

/** What an error status said: its error message, or the start of whatever text it sent. */
function describeErrorBody(bytes: Uint8Array): string {
  return readErrorMessage(bytes) ?? decodeUtf8(bytes.subarray(0, MAX_DETAIL_CHARS * 8));
}

function problemFromError(error: unknown, control: AttemptControl): ProviderTestProblem {
  if (control.cause === "total_timeout") return "totalTimeout";
  if (control.cause === "first_token_timeout" || control.cause === "idle_timeout") return "firstTokenTimeout";
  if (error instanceof BodyTooLargeError) return "tooLarge";
  const code = isOutboundError(error) ? error.code : null;
  return (code && OUTBOUND_PROBLEMS[code]) ?? "connectionFailed";
}

/**
 * Sends the test request through the gateway's own path: the same URL and headers
 * (`buildUpstreamRequest`), the provider's timeouts (`AttemptControl`), the one outbound client,
 * and the same check of a 200 answer. Nothing is logged or counted against the breaker.
 */
export async function runProviderTest(
  provider: ProviderConfig,
  send: UpstreamSend,
  state: Pick<ServerState, "runtime">,
): Promise<ProviderTestResult> {
  const snapshot = state.runtime.getSnapshot();
  // Header values may be keys too; short ones ("true", a version date) are left alone.
  const secrets = [provider.apiKey, ...Object.values(provider.extraHeaders).filter((value) => value.length >= 12)];
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);
  const result = (
    status: number | null,
    problem: ProviderTestProblem | null,
    detail: string | null = null,
  ): ProviderTestResult => ({
    isOk: problem === null,
    status,
    latencyMs: elapsed(),
    problem,
    detail: detail === null ? null : redactDetail(detail, secrets),
  });
  if (provider.apiKey === "") return result(null, "keyUnreadable");

  const wire = generationWire(provider.protocol);
  const timeouts = resolveTimeouts(provider, snapshot.settings);
  const control = new AttemptControl(new AbortController().signal, timeouts);
  let status: number | null = null;
  try {
    const request = buildUpstreamRequest(
      provider,
      buildTestBody(provider.upstreamModel),
      false,
      timeouts.connectMs,
      control.signal,
      {},
      wire.operation,
    );
    const response = await send(request);
    status = response.status;
    control.stopFirstTokenTimer();
    let bytes: Uint8Array;
    try {
      bytes = await readUpstreamBody(response, MAX_TEST_BODY_BYTES);
    } finally {
      response.close();
    }
    if (status < 200 || status >= 300) return result(status, "httpError", describeErrorBody(bytes));
    // Keyword hits of a test are not counted: it is the operator's probe, not traffic.
    const verdict = wire.inspectJson(bytes, {
      keywords: compileKeywords(snapshot),
      hitSink: { recordHit: () => undefined },
      now: Date.now,
    });
    if (verdict.kind === "failure") {
      const upstream = readErrorMessage(bytes);
      return result(status, "invalidAnswer", upstream === null ? verdict.reason : `${verdict.reason}: ${upstream}`);
    }
    return result(status, null);
  } catch (error) {
    return result(status, problemFromError(error, control));
  } finally {
    control.dispose();
  }
}

/** Tests a provider by id with the configuration the gateway holds now (disabled ones too). */
export async function testProviderById(
  state: Pick<ServerState, "runtime" | "outbound" | "reloadConfig">,
  providerId: number,
): Promise<ProviderTestResult | null> {
  let provider = state.runtime.getSnapshot().providers.get(providerId);
  if (!provider) {
    // Created a moment ago in another process: read the configuration once more.
    await state.reloadConfig();
    provider = state.runtime.getSnapshot().providers.get(providerId);
  }
  if (!provider) return null;
  return runProviderTest(provider, state.outbound.send, state);
}
