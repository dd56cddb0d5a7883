import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type TextMapGetter,
  type Tracer,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { AttemptOutcome } from "../../db/attempt-outcomes";
import type { AttemptTrace, GatewayTracer, RequestTrace } from "../gateway/tracing";
import type { CallLogRecord, ProviderConfig } from "../gateway/types";

/**
 * OpenTelemetry traces over OTLP/HTTP (JSON), on when `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (the exporter reads those, `…_HEADERS` and
 * `…_TIMEOUT` itself; the batch processor its `OTEL_BSP_*`; the sampler `OTEL_TRACES_SAMPLER`).
 * One SERVER span per API request, one CLIENT span per upstream attempt under it, with the
 * GenAI semantic conventions' `gen_ai.*` attributes. The provider is not registered globally:
 * spans go only where the gateway puts them, and the `ai` SDK's own telemetry stays untouched.
 */

const SERVICE_NAME = "ai-provider-api-server";
const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

/** `gen_ai.operation.name` of each API the gateway serves. */
function operationOf(api: string): string {
  if (api === "chat.completions" || api === "messages" || api === "responses") return "chat";
  if (api === "completions") return "text_completion";
  return api;
}

function systemOf(provider: ProviderConfig): string {
  return provider.protocol === "anthropic" ? "anthropic" : "openai";
}

/** The upstream's host name only: a base URL's path may hold a deployment name. */
function hostOf(baseUrl: string): string | undefined {
  try {
    return new URL(baseUrl).hostname;
  } catch {
    return undefined;
  }
}

function providerAttributes(provider: ProviderConfig, operation: string): Attributes {
  const system = systemOf(provider);
  return {
    "gen_ai.operation.name": operation,
    "gen_ai.system": system,
    "gen_ai.provider.name": system,
    "gen_ai.request.model": provider.upstreamModel,
    "gateway.provider.name": provider.name,
    "server.address": hostOf(provider.baseUrl),
  };
}

function usageAttributes(record: Readonly<CallLogRecord>): Attributes {
  return {
    "gen_ai.usage.input_tokens": record.promptTokens,
    "gen_ai.usage.output_tokens": record.completionTokens,
  };
}

class OtelAttempt implements AttemptTrace {
  readonly headers: Record<string, string> = {};
  isEnded = false;

  constructor(
    readonly span: Span,
    readonly provider: ProviderConfig,
  ) {
    propagator.inject(trace.setSpan(ROOT_CONTEXT, span), this.headers, {
      set: (carrier, key, value) => {
        (carrier as Record<string, string>)[key] = value;
      },
    });
  }

  end(outcome: AttemptOutcome, status: number | null, reason: string | null): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.span.setAttribute("gateway.attempt.outcome", outcome);
    if (status !== null) this.span.setAttribute("http.response.status_code", status);
    if (outcome === "failed") {
      this.span.setAttribute("error.type", status === null ? "upstream_error" : String(status));
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: reason ?? undefined });
    } else if (reason) {
      this.span.setAttribute("gateway.attempt.reason", reason);
    }
    this.span.end();
  }
}

class OtelRequest implements RequestTrace {
  private readonly attempts: OtelAttempt[] = [];
  private readonly operation: string;

  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
    api: string,
  ) {
    this.operation = operationOf(api);
  }

  startAttempt(provider: ProviderConfig): AttemptTrace {
    const span = this.tracer.startSpan(
      `${this.operation} ${provider.upstreamModel}`,
      { kind: SpanKind.CLIENT, attributes: providerAttributes(provider, this.operation) },
      trace.setSpan(ROOT_CONTEXT, this.span),
    );
    const attempt = new OtelAttempt(span, provider);
    this.attempts.push(attempt);
    return attempt;
  }

  end(record: Readonly<CallLogRecord>, provider: ProviderConfig | null, finishReason: string | null): void {
    const endTime = record.createdAt + record.latencyMs;
    // The attempt that served (or whose client error was relayed) ends with the request.
    for (const attempt of this.attempts) {
      if (attempt.isEnded) continue;
      const served = record.attempts.findLast((entry) => entry.providerId === attempt.provider.id);
      if (attempt.provider.id === record.providerId) {
        attempt.span.setAttributes({
          ...usageAttributes(record),
          "gen_ai.response.model": attempt.provider.upstreamModel,
        });
      }
      attempt.isEnded = true;
      attempt.span.setAttribute("gateway.attempt.outcome", served?.outcome ?? "failed");
      if (served?.status !== null && served?.status !== undefined)
        attempt.span.setAttribute("http.response.status_code", served.status);
      if (record.isIncomplete || served?.outcome === "failed")
        attempt.span.setStatus({ code: SpanStatusCode.ERROR, message: served?.reason ?? record.error ?? undefined });
      attempt.span.end(endTime);
    }
    const span = this.span;
    span.updateName(record.groupName ? `${this.operation} ${record.groupName}` : this.operation);
    span.setAttributes({
      "gen_ai.operation.name": this.operation,
      "gen_ai.request.model": record.groupName ?? undefined,
      "http.response.status_code": record.status,
      "gateway.request_id": record.requestId,
      "gateway.api": record.api,
      "gateway.api_key.name": record.apiKeyName ?? undefined,
      "gateway.attempts": record.attempts.length,
      "gateway.cost_usd": record.cost,
      "gateway.stream": record.isStream,
      ...(record.ttftMs === null ? {} : { "gateway.ttft_ms": record.ttftMs }),
      ...usageAttributes(record),
    });
    if (finishReason !== null) span.setAttribute("gen_ai.response.finish_reasons", [finishReason]);
    if (provider) {
      const system = systemOf(provider);
      span.setAttributes({
        "gen_ai.system": system,
        "gen_ai.provider.name": system,
        "gen_ai.response.model": provider.upstreamModel,
        "gateway.provider.name": provider.name,
      });
    }
    if (record.status >= 500 || record.isIncomplete) {
      span.setAttribute("error.type", record.status >= 500 ? String(record.status) : "incomplete_stream");
      span.setStatus({ code: SpanStatusCode.ERROR, message: record.error ?? undefined });
    }
    span.end(endTime);
  }
}

export function isTracingConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED === "true" || env.OTEL_TRACES_EXPORTER === "none") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** The tracer when the environment names an OTLP endpoint, else null (tracing off, no cost). */
export function createTracer(env: NodeJS.ProcessEnv, version: string): GatewayTracer | null {
  if (!isTracingConfigured(env)) return null;
  const resource = resourceFromAttributes({
    "service.name": env.OTEL_SERVICE_NAME || SERVICE_NAME,
    "service.version": version,
  }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  const tracer = provider.getTracer(SERVICE_NAME, version);
  return {
    startRequest(headers, api, startedAt) {
      const parent = propagator.extract(ROOT_CONTEXT, headers, headerGetter);
      const span = tracer.startSpan(api, { kind: SpanKind.SERVER, startTime: startedAt }, parent);
      return new OtelRequest(tracer, span, api);
    },
    shutdown: () => provider.shutdown(),
  };
}
