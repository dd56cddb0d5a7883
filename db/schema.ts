import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from "kysely";

/*
 * Table interfaces, in the shape the database returns them on both dialects:
 * - times are epoch milliseconds (`bigint` in Postgres, parsed to number by the client);
 * - booleans are integers 0/1 (better-sqlite3 cannot bind booleans), mapped to `boolean`
 *   by the query functions, never by callers;
 * - JSON is text, parsed with zod where it is read.
 */

/** 0 or 1; see `toDbBoolean` / `fromDbBoolean` in db/dialect.ts. */
export type DbBoolean = number;

/** The wire protocols an endpoint can speak. */
export const ENDPOINT_PROTOCOLS = ["openai", "anthropic"] as const;
export type EndpointProtocol = (typeof ENDPOINT_PROTOCOLS)[number];

/** The kinds of work a provider can serve; a group routes a request only to members of its kind. */
export const WORK_KINDS = ["chat", "responses", "embeddings", "images", "audio", "moderation", "rerank"] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

/** What a provider's `price_per_unit` is per, besides its token prices. */
export const PRICE_UNITS = ["none", "image", "second", "character"] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

export interface EndpointCredentialsTable {
  id: Generated<number>;
  name: string;
  /** No trailing slash, e.g. `https://host/v1`. */
  base_url: string;
  /** SecretCipher output; never leaves db/queries except decrypted into the config snapshot. */
  api_key_encrypted: string;
  /** `••••abcd`, computed when the key is written so listing never decrypts. */
  key_hint: string;
  /** JSON array of client header names / `prefix*` patterns forwarded upstream; null = the default list. */
  forward_headers: ColumnType<string | null, string | null | undefined, string | null>;
  /** Ask streaming upstreams for usage when the client did not choose (`stream_options.include_usage`). */
  stream_usage: ColumnType<DbBoolean, DbBoolean | undefined, DbBoolean>;
  /** An EndpointProtocol. */
  protocol: ColumnType<string, string | undefined, string>;
  created_at: number;
  updated_at: number;
}

export interface ProvidersTable {
  id: Generated<number>;
  name: string;
  credential_id: number;
  upstream_model: string;
  /** Currency units per 1M tokens. */
  price_input: ColumnType<number, number | undefined, number>;
  price_output: ColumnType<number, number | undefined, number>;
  price_cached: ColumnType<number, number | undefined, number>;
  price_cache_write: ColumnType<number, number | undefined, number>;
  /** Comma-separated WorkKinds; empty = guessed from the upstream model id. */
  kinds: ColumnType<string, string | undefined, string>;
  /** A PriceUnit; `character` is priced per 1M characters, the others per one unit. */
  price_unit: ColumnType<string, string | undefined, string>;
  price_per_unit: ColumnType<number, number | undefined, number>;
  is_enabled: ColumnType<DbBoolean, DbBoolean | undefined, DbBoolean>;
  /** Null means the settings' default. */
  connect_timeout_ms: number | null;
  first_token_timeout_ms: number | null;
  total_timeout_ms: number | null;
  /** JSON object of header name → value. */
  extra_headers: ColumnType<string, string | undefined, string>;
  /** Requests / tokens per minute that protect the upstream account; null = none. */
  rpm: ColumnType<number | null, number | null | undefined, number | null>;
  tpm: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
}

export interface ModelGroupsTable {
  id: Generated<number>;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  rpm: ColumnType<number | null, number | null | undefined, number | null>;
  tpm: ColumnType<number | null, number | null | undefined, number | null>;
  /** weighted, least-latency, least-busy or cheapest (lib/gateway/routing-strategy.ts). */
  routing_strategy: ColumnType<string, string | undefined, string>;
  /** off, fixed or auto (db/hedging.ts). */
  hedge_mode: ColumnType<string, string | undefined, string>;
  hedge_delay_ms: ColumnType<number, number | undefined, number>;
  created_at: number;
  updated_at: number;
}

export interface GroupMembersTable {
  group_id: number;
  provider_id: number;
  priority: ColumnType<number, number | undefined, number>;
  weight: ColumnType<number, number | undefined, number>;
}

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  /** SHA-256 hex of the full key; the key itself is never stored. */
  key_hash: string;
  key_prefix: string;
  is_enabled: ColumnType<DbBoolean, DbBoolean | undefined, DbBoolean>;
  all_groups: ColumnType<DbBoolean, DbBoolean | undefined, DbBoolean>;
  expires_at: number | null;
  last_used_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  rpm: ColumnType<number | null, number | null | undefined, number | null>;
  tpm: ColumnType<number | null, number | null | undefined, number | null>;
  max_concurrent: ColumnType<number | null, number | null | undefined, number | null>;
  /** USD per UTC day, per UTC month and in total; null = no budget. */
  budget_day: ColumnType<number | null, number | null | undefined, number | null>;
  budget_month: ColumnType<number | null, number | null | undefined, number | null>;
  budget_total: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface ApiKeyGroupsTable {
  api_key_id: number;
  group_id: number;
}

export interface FailureKeywordsTable {
  id: Generated<number>;
  keyword: string;
  is_enabled: ColumnType<DbBoolean, DbBoolean | undefined, DbBoolean>;
  hit_count: ColumnType<number, number | undefined, number>;
  last_hit_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
}

export interface SettingsTable {
  key: string;
  /** JSON of the value, validated with db/settings-schema.ts when read. */
  value: string;
  updated_at: number;
}

export interface ConfigStateTable {
  /** Always 1: a single row. */
  id: number;
  version: number;
}

export interface CallLogsTable {
  id: Generated<number>;
  request_id: string;
  created_at: number;
  api_key_id: number | null;
  api_key_name: string | null;
  group_name: string | null;
  provider_id: number | null;
  provider_name: string | null;
  status: number;
  is_stream: DbBoolean;
  latency_ms: number;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: ColumnType<number, number | undefined, number>;
  /** Non-token units billed (images, seconds of audio, characters), in `billed_unit`. */
  billed_units: ColumnType<number, number | undefined, number>;
  billed_unit: ColumnType<string, string | undefined, string>;
  cost: number;
  is_usage_estimated: DbBoolean;
  is_incomplete: DbBoolean;
  error: string | null;
  /** JSON array of AttemptRecord. */
  attempts: string;
  /** The API the client called: `chat.completions`, `messages`, `messages.count_tokens`. */
  api: ColumnType<string, string | undefined, string>;
}

export interface CallLogBodiesTable {
  request_id: string;
  created_at: number;
  request_body: string | null;
  response_body: string | null;
}

/** Latency histogram columns: each request counts in exactly one bucket (not cumulative). */
export type LatencyBucketColumn =
  | "lat_le_100"
  | "lat_le_250"
  | "lat_le_500"
  | "lat_le_1000"
  | "lat_le_2500"
  | "lat_le_5000"
  | "lat_le_10000"
  | "lat_le_30000"
  | "lat_gt_30000";

export type TtftBucketColumn =
  | "ttft_le_100"
  | "ttft_le_250"
  | "ttft_le_500"
  | "ttft_le_1000"
  | "ttft_le_2500"
  | "ttft_le_5000"
  | "ttft_le_10000"
  | "ttft_le_30000"
  | "ttft_gt_30000";

export type UsageCounterColumn =
  | "requests"
  | "successes"
  | "failures"
  | "total_latency_ms"
  | "latency_count"
  | "total_ttft_ms"
  | "ttft_count"
  | "prompt_tokens"
  | "completion_tokens"
  | "cached_tokens"
  | "cost"
  | LatencyBucketColumn
  | TtftBucketColumn;

/** Hourly rollups the dashboard charts read; an empty string / 0 stands for "none". */
export type UsageHourlyTable = {
  hour_start: number;
  group_name: string;
  provider_name: string;
  api_key_id: number;
} & { [C in UsageCounterColumn]: ColumnType<number, number | undefined, number> };

/** usage_hourly summed over every group, provider and key: one row per hour (migration 0002). */
export type UsageHoursTable = {
  hour_start: number;
} & { [C in UsageCounterColumn]: ColumnType<number, number | undefined, number> };

/** usage_hourly summed per UTC day (`day_start` is UTC midnight), same dimensions (migration 0002). */
export type UsageDailyTable = {
  day_start: number;
  group_name: string;
  provider_name: string;
  api_key_id: number;
} & { [C in UsageCounterColumn]: ColumnType<number, number | undefined, number> };

export interface LimitCountersTable {
  name: string;
  window_start: number;
  count: number;
}

export interface LimitLeasesTable {
  name: string;
  lease_id: string;
  expires_at: number;
}

export interface AdminUsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  must_change_password: DbBoolean;
  /** Bumped on password change so older sessions stop validating. */
  session_version: ColumnType<number, number | undefined, number>;
  created_at: number;
  updated_at: number;
  /** owner | admin | viewer (migration 2026_12_08_0006); read on every request. */
  role: ColumnType<string, string | undefined, string>;
  /** local | oidc | github: where the account signs in. */
  provider: ColumnType<string, string | undefined, string>;
  /** The SSO provider's `sub` (or GitHub user id); null for local accounts. */
  subject: string | null;
  email: string | null;
  display_name: string | null;
  is_disabled: ColumnType<DbBoolean, DbBoolean | undefined, DbBoolean>;
  last_login_at: number | null;
}

export interface JobLocksTable {
  name: string;
  holder: string;
  expires_at: number;
}

/** The model ids an endpoint listed at its last import (migration 0003). */
export interface ModelListSnapshotsTable {
  credential_id: number;
  /** JSON array of model ids, validated with zod when read. */
  model_ids: string;
  updated_at: number;
}

/** One configuration change (migration 2026_12_08_0004). */
export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  /** The signed-in user's name or email, or the OS user of a CLI run. */
  actor: string;
  /** dashboard | cli | config-import | api */
  source: string;
  ip: string | null;
  user_agent: string | null;
  /** `<kind>.<create|update|delete>`, e.g. provider.update, or config.import. */
  action: string;
  target_kind: string;
  target_id: string | null;
  target_name: string;
  /** JSON `{ field: { before, after } }`, secrets masked before they were written. */
  changes: string;
}

/** A webhook that receives alerts (migration 2026_12_08_0005). */
export interface AlertTargetsTable {
  id: Generated<number>;
  name: string;
  /** generic | slack */
  kind: string;
  url: string;
  /** Encrypted HMAC secret for generic targets; null for none. */
  secret_encrypted: string | null;
  /** JSON array of alert event names, validated with zod when read. */
  events: string;
  is_enabled: ColumnType<DbBoolean, DbBoolean | undefined, DbBoolean>;
  created_at: number;
  updated_at: number;
}

/** When each alert key was last sent, shared by every process (migration 2026_12_08_0005). */
export interface AlertStateTable {
  alert_key: string;
  last_sent_at: number;
}

export interface Database {
  endpoint_credentials: EndpointCredentialsTable;
  providers: ProvidersTable;
  model_groups: ModelGroupsTable;
  group_members: GroupMembersTable;
  api_keys: ApiKeysTable;
  api_key_groups: ApiKeyGroupsTable;
  limit_counters: LimitCountersTable;
  limit_leases: LimitLeasesTable;
  failure_keywords: FailureKeywordsTable;
  settings: SettingsTable;
  config_state: ConfigStateTable;
  call_logs: CallLogsTable;
  call_log_bodies: CallLogBodiesTable;
  usage_hourly: UsageHourlyTable;
  usage_hours: UsageHoursTable;
  usage_daily: UsageDailyTable;
  admin_users: AdminUsersTable;
  job_locks: JobLocksTable;
  model_list_snapshots: ModelListSnapshotsTable;
  audit_log: AuditLogTable;
  alert_targets: AlertTargetsTable;
  alert_state: AlertStateTable;
}

/** Every query function takes one of these first, so callers can compose them in a transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export type EndpointCredentialRow = Selectable<EndpointCredentialsTable>;
export type NewEndpointCredential = Insertable<EndpointCredentialsTable>;
export type EndpointCredentialUpdate = Updateable<EndpointCredentialsTable>;
export type ProviderRow = Selectable<ProvidersTable>;
export type NewProvider = Insertable<ProvidersTable>;
export type ProviderUpdate = Updateable<ProvidersTable>;
export type ModelGroupRow = Selectable<ModelGroupsTable>;
export type GroupMemberRow = Selectable<GroupMembersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKey = Insertable<ApiKeysTable>;
export type FailureKeywordRow = Selectable<FailureKeywordsTable>;
export type CallLogRow = Selectable<CallLogsTable>;
export type NewCallLog = Insertable<CallLogsTable>;
export type NewCallLogBody = Insertable<CallLogBodiesTable>;
export type UsageHourlyRow = Selectable<UsageHourlyTable>;
export type NewUsageHourly = Insertable<UsageHourlyTable>;
export type AdminUserRow = Selectable<AdminUsersTable>;
export type JobLockRow = Selectable<JobLocksTable>;
