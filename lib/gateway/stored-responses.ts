import { authenticateRequest, canUseGroup } from "./authenticate";
import { toResponseBytes } from "./bytes";
import { CallLog } from "./call-log";
import { GatewayError, toErrorResponse, toGatewayError } from "./errors";
import { createRequestId } from "./request-id";
import type { ConfigSnapshot, GatewayRuntime, GroupAccess, ProviderConfig, UpstreamResponse } from "./types";
import { credentialHeaders, upstreamUrl } from "./upstream-request";
import { readUpstreamBody } from "./upstream-status";
import { handleMethodNotAllowed, handleUnknownRoute } from "./unknown-route";

/*
 * A stored response lives with the upstream that made it: GET and DELETE /v1/responses/{id},
 * GET …/input_items and POST …/cancel go to the Responses providers the key may use, one
 * upstream account at a time (in group and priority order), until one knows the id. A 404
 * means "not mine" and the next is asked; any other answer is relayed as it came.
 */

const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** What may follow the id, with the method it is served on. */
const ACTIONS: Readonly<Record<string, { method: "GET" | "POST" | "DELETE"; api: string }[]>> = {
  "": [
    { method: "GET", api: "responses.retrieve" },
    { method: "DELETE", api: "responses.delete" },
  ],
  "/input_items": [{ method: "GET", api: "responses.input_items" }],
  "/cancel": [{ method: "POST", api: "responses.cancel" }],
};

/** The providers that may hold a response for this key: one per upstream account. */
function owners(snapshot: ConfigSnapshot, access: GroupAccess): ProviderConfig[] {
  const seen = new Set<string>();
  const found: ProviderConfig[] = [];
  const groups = [...snapshot.groupsByName.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const group of groups) {
    if (!canUseGroup(access, group)) continue;
    const members = [...group.members].sort((a, b) => a.priority - b.priority);
    for (const member of members) {
      const provider = snapshot.providers.get(member.providerId);
      if (!provider?.isEnabled || provider.protocol !== "openai" || !provider.kinds.has("responses")) continue;
      const account = `${provider.baseUrl}\n${provider.apiKey}`;
      if (seen.has(account)) continue;
      seen.add(account);
      found.push(provider);
    }
  }
  return found;
}

async function ask(
  runtime: GatewayRuntime,
  provider: ProviderConfig,
  method: "GET" | "POST" | "DELETE",
  path: string,
  signal: AbortSignal,
): Promise<{ status: number; bytes: Uint8Array } | null> {
  let response: UpstreamResponse | null = null;
  try {
    response = await runtime.send({
      url: upstreamUrl(provider, "responses") + path,
      method: method === "POST" ? "POST" : method,
      headers: { ...credentialHeaders(provider), accept: "application/json", "content-type": "application/json" },
      ...(method === "POST" ? { body: "{}" } : {}),
      connectTimeoutMs: provider.connectTimeoutMs ?? runtime.getSnapshot().settings.connectTimeoutMs,
      signal,
    });
    return { status: response.status, bytes: await readUpstreamBody(response, MAX_ANSWER_BYTES) };
  } catch {
    return null;
  } finally {
    response?.close();
  }
}

/** `rest` is what follows `/v1/responses/`: `{id}`, `{id}/input_items` or `{id}/cancel`. */
export async function handleStoredResponse(request: Request, runtime: GatewayRuntime, rest: string): Promise<Response> {
  const receivedAt = runtime.now();
  const requestId = createRequestId();
  const snapshot = runtime.getSnapshot();
  const log = new CallLog(runtime, snapshot.settings, requestId, receivedAt);
  const slash = rest.indexOf("/");
  const id = slash === -1 ? rest : rest.slice(0, slash);
  const suffix = slash === -1 ? "" : rest.slice(slash);
  const served = ACTIONS[suffix];
  if (served === undefined || id === "") return handleUnknownRoute(request);
  const action = served.find((entry) => entry.method === request.method);
  if (!action) return handleMethodNotAllowed(request, served.map((entry) => entry.method).join(", "));
  log.record.api = action.api;
  try {
    const key = authenticateRequest(request, runtime, snapshot);
    log.setKey(key);
    const query = new URL(request.url).search;
    const path = `/${encodeURIComponent(id)}${suffix}${query}`;
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(snapshot.settings.totalTimeoutMs)]);
    for (const provider of owners(snapshot, key)) {
      const answer = await ask(runtime, provider, action.method, path, signal);
      if (answer === null || answer.status === 404) continue;
      log.setProvider(provider);
      log.setResponseBody(answer.bytes);
      log.finish({
        status: answer.status,
        error: answer.status >= 400 ? `provider answered HTTP ${answer.status}` : null,
      });
      return new Response(toResponseBytes(answer.bytes), {
        status: answer.status,
        headers: { "content-type": "application/json", "x-request-id": requestId },
      });
    }
    throw new GatewayError("not_found", `No response with id '${id.slice(0, 100)}' was found.`, { param: "id" });
  } catch (error) {
    const failure = toGatewayError(error);
    log.finish({ status: failure.status, error: failure.message });
    return toErrorResponse(failure, requestId);
  }
}
