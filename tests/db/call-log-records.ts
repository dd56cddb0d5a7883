import type { CallLogRecord } from "../../lib/gateway/types";

/** A plausible log record; override what a test cares about. */
export function makeRecord(overrides: Partial<CallLogRecord> = {}): CallLogRecord {
  return {
    requestId: `req_${Math.random().toString(36).slice(2)}`,
    createdAt: Date.UTC(2026, 0, 1, 10, 0, 0),
    apiKeyId: 1,
    apiKeyName: "app",
    groupName: "smart",
    providerId: 1,
    providerName: "p1",
    status: 200,
    isStream: false,
    latencyMs: 420,
    ttftMs: null,
    promptTokens: 10,
    completionTokens: 20,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    billedUnits: 0,
    billedUnit: "none",
    api: "chat.completions",
    cost: 0.001,
    isUsageEstimated: false,
    isIncomplete: false,
    error: null,
    attempts: [{ providerId: 1, providerName: "p1", status: 200, latencyMs: 420, outcome: "ok", reason: null }],
    requestBody: null,
    responseBody: null,
    ...overrides,
  };
}

/** Deterministic variety across hours, groups, providers, keys, statuses and latencies. */
export function makeVariedRecords(count: number, start = Date.UTC(2026, 0, 1, 0, 0, 0)): CallLogRecord[] {
  const records: CallLogRecord[] = [];
  for (let index = 0; index < count; index += 1) {
    const latencies = [50, 120, 300, 800, 2_000, 4_000, 9_000, 20_000, 45_000];
    records.push(
      makeRecord({
        requestId: `req_${start}_${index}`,
        createdAt: start + index * 7 * 60_000,
        apiKeyId: index % 5 === 0 ? null : (index % 3) + 1,
        groupName: index % 7 === 0 ? null : (["smart", "fast"][index % 2] ?? null),
        providerName: index % 11 === 0 ? null : `p${index % 4}`,
        providerId: index % 11 === 0 ? null : index % 4,
        status: [200, 200, 200, 429, 502, 499, 400][index % 7] ?? 200,
        isStream: index % 2 === 0,
        latencyMs: latencies[index % latencies.length] ?? 1,
        ttftMs: index % 3 === 0 ? null : (latencies[(index + 2) % latencies.length] ?? 1) / 2,
        promptTokens: index * 3,
        completionTokens: index * 5,
        cachedTokens: index % 4,
        cost: index * 0.0005,
      }),
    );
  }
  return records;
}
