import { attemptJson } from "./attempt-json";
import type { AttemptContext } from "./attempt-result";
import { attemptStream } from "./attempt-stream";
import { authenticateRequest, resolveGroup } from "./authenticate";
import { CallLog } from "./call-log";
import { respondJson, respondOtherwise, respondStream, type ResponseContext } from "./chat-responses";
import { GatewayError, toErrorResponse, toGatewayError } from "./errors";
import { runFailover } from "./failover";
import { compileKeywords } from "./keywords";
import { readJsonBody } from "./read-body";
import { createRequestId } from "./request-id";
import { planCandidates } from "./route-plan";
import type { ConfigSnapshot, GatewayRuntime, GroupAccess, GroupConfig, ProviderConfig, TrustedCaller } from "./types";
import { pickForwardedHeaders } from "./forward-headers";
import { createBodyTemplate } from "./json-model-edit";
import type { ChatRequest } from "./validate-chat";
import { validateChatRequest } from "./validate-chat";

const EVERY_GROUP: GroupAccess = { allGroups: true, groupIds: new Set() };

/**
 * POST /v1/chat/completions. Every response carries `x-request-id`, and every request,
 * rejected ones included, leaves exactly one log row.
 */
export function handleChatCompletions(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveChat(request, runtime, null);
}

/**
 * The same path (validation, routing, breakers, failover, keywords, one log row) for a
 * trusted in-process caller, without a key and with every group. Only the dashboard
 * playground calls it, after checking the admin session; `/v1` always goes through
 * `handleChatCompletions`, which requires a key.
 */
export function handleChatCompletionsAs(
  request: Request,
  runtime: GatewayRuntime,
  caller: TrustedCaller,
): Promise<Response> {
  return serveChat(request, runtime, caller);
}

function admitCaller(
  request: Request,
  runtime: GatewayRuntime,
  snapshot: ConfigSnapshot,
  caller: TrustedCaller | null,
  log: CallLog,
): GroupAccess {
  if (caller) {
    log.setTrustedCaller(caller.name);
    return EVERY_GROUP;
  }
  const key = authenticateRequest(request, runtime, snapshot);
  log.setKey(key);
  return key;
}

async function serveChat(request: Request, runtime: GatewayRuntime, caller: TrustedCaller | null): Promise<Response> {
  const receivedAt = runtime.now();
  const requestId = createRequestId();
  const snapshot = runtime.getSnapshot();
  const log = new CallLog(runtime, snapshot.settings, requestId, receivedAt, caller?.onLogged?.bind(caller));
  try {
    if (runtime.isShuttingDown?.()) throw new GatewayError("server_shutting_down");
    const access = admitCaller(request, runtime, snapshot, caller, log);
    const body = await readJsonBody(request, runtime.maxBodyBytes);
    log.setRequestBody(body.bytes);
    const chat = validateChatRequest(body.value);
    log.record.isStream = chat.isStream;
    const group = resolveGroup(snapshot, access, chat.model);
    log.record.groupName = group.name;
    return await relayChat(request, runtime, snapshot, chat, group, body.text, {
      runtime,
      settings: snapshot.settings,
      chat,
      log,
      requestId,
      receivedAt,
    });
  } catch (error) {
    const failure = toGatewayError(error);
    // A body upload cut off by the client is the client leaving, not a server error.
    const status = request.signal.aborted && failure.code === "internal_error" ? 499 : failure.status;
    log.finish({ status, error: failure.message });
    return toErrorResponse(failure, requestId);
  }
}

async function relayChat(
  request: Request,
  runtime: GatewayRuntime,
  snapshot: ConfigSnapshot,
  chat: ChatRequest,
  group: GroupConfig,
  text: string,
  context: ResponseContext,
): Promise<Response> {
  const template = createBodyTemplate(text, chat.isStream);
  const keywords = compileKeywords(snapshot);
  const toAttemptContext = (provider: ProviderConfig): AttemptContext => ({
    runtime,
    provider,
    settings: snapshot.settings,
    keywords,
    chat,
    body: template.render(provider.upstreamModel, provider.streamUsage),
    forwardedHeaders: pickForwardedHeaders(request.headers, provider.forwardHeaders),
    clientSignal: request.signal,
    receivedAt: context.receivedAt,
  });
  const failoverInput = {
    runtime,
    settings: snapshot.settings,
    candidates: planCandidates(snapshot, group, () => runtime.random()),
    clientSignal: request.signal,
    log: context.log,
  };
  if (chat.isStream) {
    const outcome = await runFailover({
      ...failoverInput,
      attempt: (provider) => attemptStream(toAttemptContext(provider)),
    });
    if (outcome.kind === "success") return respondStream(outcome.provider, outcome.value, context);
    return respondOtherwise(outcome, context);
  }
  const outcome = await runFailover({
    ...failoverInput,
    attempt: (provider) => attemptJson(toAttemptContext(provider)),
  });
  if (outcome.kind === "success") return respondJson(outcome.provider, outcome.value, context);
  return respondOtherwise(outcome, context);
}
