import type { Logger } from "pino";
import type { LogSink } from "./gateway/types";

/**
 * With LOG_LEVEL=debug, one JSON line per finished API request — what an operator greps for
 * by request id — then the record goes on unchanged. Without it the sink is returned as is:
 * no cost on the hot path. Ids, names, figures and the error text only; never keys or bodies.
 */
export function withRequestLog(inner: LogSink, logger: Logger): LogSink {
  if (!logger.isLevelEnabled("debug")) return inner;
  return {
    push(record) {
      logger.debug(
        {
          requestId: record.requestId,
          api: record.api,
          model: record.groupName,
          provider: record.providerName,
          apiKey: record.apiKeyName,
          status: record.status,
          stream: record.isStream,
          latencyMs: record.latencyMs,
          ttftMs: record.ttftMs,
          promptTokens: record.promptTokens,
          completionTokens: record.completionTokens,
          cost: record.cost,
          attempts: record.attempts.length,
          error: record.error,
        },
        "request",
      );
      inner.push(record);
    },
  };
}
