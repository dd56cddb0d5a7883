import { z } from "zod";

/**
 * Every operator setting, its unit, range and default. Stored one row per key in the
 * `settings` table as JSON; defaults are inserted only when a key is missing.
 */
export const settingsSchema = z.object({
  /** Failures of one provider within the window that open its breaker. */
  failoverThreshold: z.number().int().min(1).max(1000).default(3),
  /** The last this many requests to a provider are the sample the threshold is counted in. */
  failoverSampleSize: z.number().int().min(1).max(1000).default(10),
  /** Window in seconds in which failures are counted. */
  failoverWindowSeconds: z.number().int().min(1).max(86_400).default(60),
  /** How long an open breaker skips its provider, in seconds. */
  cooldownSeconds: z.number().int().min(1).max(86_400).default(60),
  /** Default timeouts, in milliseconds; a provider may override each. */
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  firstTokenTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  totalTimeoutMs: z.number().int().min(1_000).max(3_600_000).default(300_000),
  /** Hedges (extra upstream requests) at most this share of hedging groups' requests per minute. */
  hedgeBudgetPercent: z.number().int().min(0).max(100).default(10),
  /** Providers tried per client request, at most. */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  /** Call log rows older than this are deleted. */
  logRetentionDays: z.number().int().min(1).max(3_650).default(30),
  /** Whether request and response bodies are stored beside log rows. */
  storeBodies: z.boolean().default(false),
  /** Stored bodies older than this are deleted. */
  bodyRetentionDays: z.number().int().min(1).max(3_650).default(7),
  /** Bodies are truncated to this many bytes before they are stored. */
  bodyMaxBytes: z.number().int().min(1_024).max(10_485_760).default(65_536),
  /** Audit log rows (configuration changes) older than this are deleted. */
  auditRetentionDays: z.number().int().min(1).max(3_650).default(365),
  /** An error-rate alert fires when this share of a group's requests failed within the window. */
  alertErrorRatePercent: z.number().int().min(1).max(100).default(50),
  /** The sliding window the error rate is measured over. */
  alertErrorRateWindowSeconds: z.number().int().min(10).max(86_400).default(300),
  /** Fewer requests than this in the window never fire an error-rate alert. */
  alertErrorRateMinRequests: z.number().int().min(1).max(100_000).default(20),
  /** The same alert (event + subject) is sent at most once per this many seconds. */
  alertCooldownSeconds: z.number().int().min(0).max(86_400).default(600),
  /** IANA time zone the dashboard shows times in; empty means the server's. */
  timeZone: z.string().max(64).default(""),
  /** Bearer token /metrics requires; empty means no token. */
  metricsToken: z.string().max(256).default(""),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const defaultSettings: Settings = settingsSchema.parse({});
export const settingKeys = Object.keys(defaultSettings) as SettingKey[];
