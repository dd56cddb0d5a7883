import type { UpstreamResponse, UpstreamSend } from "../gateway/types";
import { OutboundError, toOutboundError } from "./outbound-error";

export interface GetJsonOptions {
  headers?: Record<string, string>;
  /** The body is refused as soon as it passes this many bytes. */
  maxBytes?: number;
  /** Whole request, redirects included. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface JsonResponse {
  status: number;
  /** The URL that finally answered, after redirects. */
  url: string;
  data: unknown;
}

const MAX_REDIRECTS = 3;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 15_000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Headers that carry credentials are not sent on to another origin, as browsers do.
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"]);

/**
 * GET a JSON document for the model importer and the provider test. Redirects are followed
 * by hand (at most three) so every hop passes the same address policy as the first.
 */
export async function fetchJson(send: UpstreamSend, rawUrl: string, options: GetJsonOptions): Promise<JsonResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  let hasTimedOut = false;
  const timer = setTimeout(() => {
    hasTimedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  try {
    return await followRedirects(send, rawUrl, options, controller.signal, timeoutMs);
  } catch (error) {
    const typed = toOutboundError(error);
    throw hasTimedOut && typed.code === "aborted" ? new OutboundError("timeout") : typed;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

async function followRedirects(
  send: UpstreamSend,
  rawUrl: string,
  options: GetJsonOptions,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<JsonResponse> {
  let url = rawUrl;
  let headers: Record<string, string> = { accept: "application/json", ...options.headers };
  for (let redirects = 0; ; redirects += 1) {
    const response = await send({ url, method: "GET", headers, connectTimeoutMs: timeoutMs, signal });
    const location = readHeader(response, "location");
    if (REDIRECT_STATUSES.has(response.status) && location) {
      response.close();
      if (redirects >= MAX_REDIRECTS) throw new OutboundError("too_many_redirects");
      const next = resolveLocation(location, url);
      if (next.origin !== new URL(url).origin) headers = dropCredentials(headers);
      url = next.href;
      continue;
    }
    return { status: response.status, url, data: await readJsonBody(response, options.maxBytes ?? DEFAULT_MAX_BYTES) };
  }
}

async function readJsonBody(response: UpstreamResponse, maxBytes: number): Promise<unknown> {
  try {
    const isJson = (readHeader(response, "content-type") ?? "").toLowerCase().includes("json");
    if (!isJson) {
      throw response.status >= 400
        ? new OutboundError("http_error", { status: response.status })
        : new OutboundError("not_json");
    }
    const declared = Number(readHeader(response, "content-length"));
    if (Number.isFinite(declared) && declared > maxBytes) throw new OutboundError("response_too_large");
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new OutboundError("response_too_large");
      chunks.push(chunk);
    }
    try {
      return JSON.parse(Buffer.concat(chunks, total).toString("utf8"));
    } catch {
      throw new OutboundError("invalid_json");
    }
  } finally {
    response.close();
  }
}

function resolveLocation(location: string, base: string): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new OutboundError("invalid_url");
  }
}

function dropCredentials(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!CREDENTIAL_HEADERS.has(name.toLowerCase())) kept[name] = value;
  }
  return kept;
}

function readHeader(response: UpstreamResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
