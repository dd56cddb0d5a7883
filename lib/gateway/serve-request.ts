import { attemptJson } from "./attempt-json";
import type { AttemptContext } from "./attempt-result";
import { attemptStream } from "./attempt-stream";
import { authenticateRequest, resolveGroup } from "./authenticate";
import { CallLog } from "./call-log";
import { respondJson, respondOtherwise, respondStream, type Billing, type ResponseContext } from "./chat-responses";
import { GatewayError, toGatewayError } from "./errors";
import { runFailover } from "./failover";
import { pickForwardedHeaders } from "./forward-headers";
import { compileKeywords } from "./keywords";
import type { ProviderRoute } from "./provider-route";
import { attemptRaw, respondRaw } from "./raw-stream";
import { readJsonBody, type JsonBody } from "./read-body";
import { createRequestId } from "./request-id";
import { estimateRequestTokens } from "../limits/estimate";
import type { Admission } from "../limits/limiter";
import { planCandidates } from "./route-plan";
import { withTraceHeaders, type AttemptTrace } from "./tracing";
import { calculateCost, countMessageCharacters, estimateTokens } from "./usage";
import type { WorkKind } from "../work-kinds";
import type {
  ApiKeyConfig,
  ConfigSnapshot,
  GatewayRuntime,
  GroupAccess,
  GroupConfig,
  ProviderConfig,
  TrustedCaller,
} from "./types";

const EVERY_GROUP: GroupAccess = { allGroups: true, groupIds: new Set() };

/** What every generation API shares once its body is validated. */
export interface IngressRequest {
  /** The client's body, untouched. */
  body: Record<string, unknown>;
  /** The group name. */
  model: string;
  isStream: boolean;
  /** The answer is bytes (speech audio), relayed as they arrive once the first one is in. */
  isRaw?: boolean;
  /** The request's messages (and system prompt) for a usage estimate. */
  estimateMessages: unknown;
  /** How the answer is billed beyond tokens, for APIs priced per image, second or character. */
  billing?: Billing;
}

/** One API the gateway serves (chat completions, Anthropic messages, embeddings, uploads…). */
export interface Ingress<R extends IngressRequest, B extends JsonBody = JsonBody> {
  /** Shown in the call log. */
  api: string;
  /** A provider serves this API when it does one of these kinds of work. */
  kinds: readonly WorkKind[];
  /** Reads the body; a JSON object unless set (file uploads read multipart/form-data). */
  readBody?(request: Request, limit: number): Promise<B>;
  validate(body: Record<string, unknown>, raw: B): R;
  /** The error when no provider of the group can take this request; a generic 400 unless set. */
  unserved?(parsed: R, groupName: string): GatewayError;
  /** An error response in this API's shape. */
  renderError(error: GatewayError, requestId: string): Response;
  renderErrorEvent(error: GatewayError): Uint8Array;
  /** How this request is put to one provider: passthrough to its own protocol, or translated. */
  routeFor(parsed: R, text: string, receivedAt: number): (provider: ProviderConfig) => ProviderRoute | null;
}

function hasProviderLimits(snapshot: ConfigSnapshot, group: GroupConfig): boolean {
  for (const member of group.members) {
    const limits = snapshot.providers.get(member.providerId)?.limits;
    if (limits?.rpm || limits?.tpm) return true;
  }
  return false;
}

/**
 * Admits the request against the key's and the group's limits, settled when its row is final;
 * null (without an await) when no limit concerns it.
 */
function admitLimits(
  runtime: GatewayRuntime,
  snapshot: ConfigSnapshot,
  access: GroupAccess,
  group: GroupConfig,
  parsed: IngressRequest,
  log: CallLog,
  requestId: string,
): Promise<Admission> | null {
  const { limits } = runtime;
  const key = "id" in access ? (access as ApiKeyConfig) : null;
  if (!limits || (!limits.applies(key, group) && !hasProviderLimits(snapshot, group))) return null;
  return limits
    .admit({
      key,
      group,
      requestId,
      estimateTokens: () => estimateRequestTokens(parsed.estimateMessages, parsed.body),
    })
    .then((admission) => {
      log.whenFinished((record) => admission.settle(record));
      return admission;
    });
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

/**
 * The life of one generation request, whatever its API: key, body, validation, group,
 * failover over the group's providers, the answer. Every response carries `x-request-id`,
 * and every request, rejected ones included, leaves exactly one log row.
 */
export async function serveIngress<R extends IngressRequest, B extends JsonBody = JsonBody>(
  request: Request,
  runtime: GatewayRuntime,
  caller: TrustedCaller | null,
  ingress: Ingress<R, B>,
): Promise<Response> {
  const receivedAt = runtime.now();
  const requestId = createRequestId();
  const snapshot = runtime.getSnapshot();
  const log = new CallLog(runtime, snapshot.settings, requestId, receivedAt, caller?.onLogged?.bind(caller));
  log.record.api = ingress.api;
  const trace = runtime.tracer?.startRequest(request.headers, ingress.api, receivedAt);
  if (trace)
    log.whenFinished((record) =>
      trace.end(record, snapshot.providers.get(record.providerId ?? -1) ?? null, log.finishReason),
    );
  try {
    if (runtime.isShuttingDown?.()) throw new GatewayError("server_shutting_down");
    const access = admitCaller(request, runtime, snapshot, caller, log);
    const body = ingress.readBody
      ? await ingress.readBody(request, runtime.maxBodyBytes)
      : ((await readJsonBody(request, runtime.maxBodyBytes)) as B);
    log.setRequestBody(body.bytes);
    const parsed = ingress.validate(body.value, body);
    log.record.isStream = parsed.isStream;
    const group = resolveGroup(snapshot, access, parsed.model);
    log.record.groupName = group.name;
    const admitting = admitLimits(runtime, snapshot, access, group, parsed, log, requestId);
    const admission = admitting ? await admitting : null;
    const routeFor = ingress.routeFor(parsed, body.text, receivedAt);
    const servesKind = (provider: ProviderConfig) => ingress.kinds.some((kind) => provider.kinds.has(kind));
    const route = (provider: ProviderConfig) => (servesKind(provider) ? routeFor(provider) : null);
    const unserved = () =>
      ingress.unserved?.(parsed, group.name) ??
      new GatewayError(
        "invalid_request",
        `The model "${group.name}" has no provider that serves ${ingress.api}: set the kinds of work of its providers.`,
        { param: "model" },
      );
    const mode = parsed.isRaw ? "raw" : parsed.isStream ? "events" : "json";
    return await relay(request, snapshot, group, route, mode, unserved, admission, {
      runtime,
      limitHeaders: admission?.headers ?? {},
      settings: snapshot.settings,
      estimateMessages: parsed.estimateMessages,
      billing: parsed.billing ?? null,
      renderErrorEvent: (error) => ingress.renderErrorEvent(error),
      log,
      requestId,
      receivedAt,
      trace,
    });
  } catch (error) {
    const failure = toGatewayError(error);
    // A body upload cut off by the client is the client leaving, not a server error.
    const status = request.signal.aborted && failure.code === "internal_error" ? 499 : failure.status;
    log.finish({ status, error: failure.message });
    return ingress.renderError(failure, requestId);
  }
}

async function relay(
  request: Request,
  snapshot: ConfigSnapshot,
  group: GroupConfig,
  routeFor: (provider: ProviderConfig) => ProviderRoute | null,
  mode: "json" | "events" | "raw",
  unserved: () => GatewayError,
  admission: Admission | null,
  context: ResponseContext,
): Promise<Response> {
  const { runtime } = context;
  const keywords = compileKeywords(snapshot);
  const routes = new Map<number, ProviderRoute>();
  const candidates: ProviderConfig[] = [];
  const planned = planCandidates(snapshot, group, () => runtime.random(), runtime.providerStats);
  for (const provider of planned) {
    const route = routeFor(provider);
    if (route === null) continue;
    routes.set(provider.id, route);
    candidates.push(provider);
  }
  if (planned.length > 0 && candidates.length === 0) throw unserved();
  const routeOf = (provider: ProviderConfig): ProviderRoute => routes.get(provider.id)!;
  const toAttemptContext = (
    provider: ProviderConfig,
    signal: AbortSignal,
    trace: AttemptTrace | undefined,
  ): AttemptContext => ({
    runtime,
    provider,
    settings: snapshot.settings,
    keywords,
    route: routeOf(provider),
    forwardedHeaders: withTraceHeaders(pickForwardedHeaders(request.headers, provider.forwardHeaders), trace),
    clientSignal: signal,
    receivedAt: context.receivedAt,
  });
  const failoverInput = {
    runtime,
    settings: snapshot.settings,
    candidates,
    clientSignal: request.signal,
    log: context.log,
    gate: admission ? (provider: ProviderConfig) => admission.gate(provider) : undefined,
    hedge: group.hedge,
    trace: context.trace,
  };
  /** A hedge's loser that answered too: the upstream read the prompt, so that much is billed. */
  const promptCost = (provider: ProviderConfig): number =>
    calculateCost(
      {
        promptTokens: estimateTokens(countMessageCharacters(context.estimateMessages)),
        completionTokens: 0,
        cachedTokens: 0,
        cacheWriteTokens: 0,
      },
      provider,
    );
  if (mode === "raw") {
    const outcome = await runFailover({
      ...failoverInput,
      attempt: (provider, signal, trace) => attemptRaw(toAttemptContext(provider, signal, trace)),
      discard: (provider, raw) => {
        raw.response.close();
        return promptCost(provider);
      },
    });
    if (outcome.kind === "success") return respondRaw(outcome.provider, outcome.value, context);
    return respondOtherwise(outcome, context, routeOf);
  }
  if (mode === "events") {
    const outcome = await runFailover({
      ...failoverInput,
      attempt: (provider, signal, trace) => attemptStream(toAttemptContext(provider, signal, trace)),
      discard: (provider, committed) => {
        committed.stream.close();
        return promptCost(provider);
      },
    });
    if (outcome.kind === "success") return respondStream(outcome.provider, outcome.value, context);
    return respondOtherwise(outcome, context, routeOf);
  }
  const outcome = await runFailover({
    ...failoverInput,
    attempt: (provider, signal, trace) => attemptJson(toAttemptContext(provider, signal, trace)),
    discard: (provider) => promptCost(provider),
  });
  if (outcome.kind === "success")
    return respondJson(outcome.provider, outcome.value, context, routeOf(outcome.provider));
  return respondOtherwise(outcome, context, routeOf);
}
