import type { EndpointProtocol } from "../../db/schema";
import { DEFAULT_ANTHROPIC_VERSION } from "../gateway/upstream-request";
import type { GetJsonOptions, JsonResponse } from "../http/get-json";
import { isOutboundError, type OutboundErrorCode } from "../http/outbound-error";
import { baseUrlCandidates, modelsUrl } from "./base-url";
import { parseModelList, type ListedModel } from "./model-list";

/** Why listing an endpoint's models failed: a key of `Import.fetchErrors` in the dashboard. */
export type ModelFetchProblem =
  | "invalidUrl"
  | "credentialsInUrl"
  | "addressBlocked"
  | "dnsFailed"
  | "connectionRefused"
  | "connectionFailed"
  | "tlsError"
  | "timeout"
  | "tooLarge"
  | "tooManyRedirects"
  | "notJson"
  | "invalidJson"
  | "notAModelList"
  | "tooManyModels"
  | "upstreamUnauthorized"
  | "upstreamNotFound"
  | "upstreamError";

export class ModelFetchError extends Error {
  readonly problem: ModelFetchProblem;
  /** The upstream's HTTP status when it answered with an error. */
  readonly status: number | null;

  constructor(problem: ModelFetchProblem, status: number | null = null) {
    // Never the URL, the key or upstream text: only the closed code and status.
    super(status === null ? `Listing models failed: ${problem}` : `Listing models failed: ${problem} (HTTP ${status})`);
    this.name = "ModelFetchError";
    this.problem = problem;
    this.status = status;
  }
}

export type GetJson = (url: string, options?: GetJsonOptions) => Promise<JsonResponse>;

export interface FetchModelsOptions {
  /** How the endpoint is asked: OpenAI's `Authorization: Bearer`, or Anthropic's `x-api-key`. */
  protocol?: EndpointProtocol;
  timeoutMs?: number;
  maxBytes?: number;
  maxModels?: number;
  signal?: AbortSignal;
}

export interface FetchedModelList {
  /** The base URL that answered, without a trailing slash: what a new endpoint stores. */
  baseUrl: string;
  models: ListedModel[];
  skippedEntries: number;
}

export const FETCH_TIMEOUT_MS = 15_000;
export const FETCH_MAX_BYTES = 20 * 1024 * 1024;
export const MAX_LISTED_MODELS = 10_000;

const OUTBOUND_PROBLEMS: Record<OutboundErrorCode, ModelFetchProblem> = {
  invalid_url: "invalidUrl",
  unsupported_scheme: "invalidUrl",
  credentials_in_url: "credentialsInUrl",
  address_blocked: "addressBlocked",
  dns_failed: "dnsFailed",
  connect_timeout: "timeout",
  connection_refused: "connectionRefused",
  connection_reset: "connectionFailed",
  connection_failed: "connectionFailed",
  tls_error: "tlsError",
  aborted: "timeout",
  timeout: "timeout",
  too_many_redirects: "tooManyRedirects",
  response_too_large: "tooLarge",
  not_json: "notJson",
  invalid_json: "invalidJson",
  http_error: "upstreamError",
};

function fromHttpStatus(status: number): ModelFetchError {
  if (status === 401 || status === 403) return new ModelFetchError("upstreamUnauthorized", status);
  if (status === 404 || status === 405) return new ModelFetchError("upstreamNotFound", status);
  return new ModelFetchError("upstreamError", status);
}

/**
 * The outbound client lives in the process state, which Next may have built from another
 * bundle than this module: its OutboundError is then another class, so `instanceof` alone
 * would miss it. Its name and closed code identify it just as well.
 */
function readOutboundError(error: unknown): { code: OutboundErrorCode; status: number | null } | null {
  if (isOutboundError(error)) return { code: error.code, status: error.status };
  if (!(error instanceof Error) || error.name !== "OutboundError" || !("code" in error)) return null;
  const { code } = error;
  if (typeof code !== "string" || !isOutboundCode(code)) return null;
  const status = "status" in error && typeof error.status === "number" ? error.status : null;
  return { code, status };
}

function isOutboundCode(code: string): code is OutboundErrorCode {
  return Object.hasOwn(OUTBOUND_PROBLEMS, code);
}

function toFetchError(error: unknown): ModelFetchError {
  if (error instanceof ModelFetchError) return error;
  const outbound = readOutboundError(error);
  if (!outbound) return new ModelFetchError("connectionFailed");
  if (outbound.code === "http_error" && outbound.status !== null) return fromHttpStatus(outbound.status);
  return new ModelFetchError(OUTBOUND_PROBLEMS[outbound.code]);
}

/** Problems that mean "no model list at this address": the next candidate base may have it. */
const WRONG_PLACE = new Set<ModelFetchProblem>(["upstreamNotFound", "notJson", "invalidJson", "notAModelList"]);

async function fetchOne(
  getJson: GetJson,
  baseUrl: string,
  apiKey: string,
  options: Required<Omit<FetchModelsOptions, "signal" | "protocol">> & {
    signal?: AbortSignal;
    protocol?: EndpointProtocol;
  },
): Promise<FetchedModelList> {
  let response: JsonResponse;
  try {
    const isAnthropic = options.protocol === "anthropic";
    // Anthropic pages its list (20 by default); 1000 is its largest page.
    response = await getJson(isAnthropic ? `${modelsUrl(baseUrl)}?limit=1000` : modelsUrl(baseUrl), {
      headers: isAnthropic
        ? { "x-api-key": apiKey, "anthropic-version": DEFAULT_ANTHROPIC_VERSION }
        : { authorization: `Bearer ${apiKey}` },
      maxBytes: options.maxBytes,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
  } catch (error) {
    throw toFetchError(error);
  }
  if (response.status < 200 || response.status >= 300) throw fromHttpStatus(response.status);
  const parsed = parseModelList(response.data);
  if (!parsed) throw new ModelFetchError("notAModelList");
  if (parsed.models.length > options.maxModels) throw new ModelFetchError("tooManyModels");
  return { baseUrl, ...parsed };
}

/**
 * `GET <base>/models` through the one outbound client (address policy, redirects re-checked,
 * size and time limits). A base without a version path is tried with `/v1` first, then as
 * typed; the whole call, every try included, stays within `timeoutMs`.
 */
export async function fetchModelList(
  getJson: GetJson,
  baseUrlInput: string,
  apiKey: string,
  options: FetchModelsOptions = {},
): Promise<FetchedModelList> {
  const parsed = baseUrlCandidates(baseUrlInput);
  if ("problem" in parsed) throw new ModelFetchError(parsed.problem);
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let firstError: ModelFetchError | null = null;
  for (const candidate of parsed.candidates) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) throw new ModelFetchError("timeout");
    try {
      return await fetchOne(getJson, candidate, apiKey, {
        timeoutMs: remainingMs,
        maxBytes: options.maxBytes ?? FETCH_MAX_BYTES,
        maxModels: options.maxModels ?? MAX_LISTED_MODELS,
        signal: options.signal,
        protocol: options.protocol,
      });
    } catch (error) {
      const typed = toFetchError(error);
      if (!WRONG_PLACE.has(typed.problem)) throw typed;
      // The first address's answer explains best why nothing was found.
      firstError ??= typed;
    }
  }
  throw firstError ?? new ModelFetchError("upstreamNotFound");
}
