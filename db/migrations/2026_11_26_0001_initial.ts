import { PostgresAdapter, sql } from "kysely";
import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from "kysely";

/*
 * The whole initial schema. Frozen: it imports nothing from the app, so later changes to
 * app code can never change what this migration does. Conventions (both dialects):
 * times are integer epoch milliseconds, booleans integer 0/1, prices double precision,
 * JSON text.
 */

interface ColumnTypes {
  /** Auto-incrementing primary key. */
  id: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /** Type of ids that may pass 2^31 (call log rows). */
  bigIdType: "bigint" | "integer";
  time: "bigint" | "integer";
  counter: "bigint" | "integer";
  money: "double precision" | "real";
}

function columnTypes(db: Kysely<unknown>): ColumnTypes {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    return {
      id: (column) => column.primaryKey().generatedByDefaultAsIdentity(),
      bigIdType: "bigint",
      time: "bigint",
      counter: "bigint",
      money: "double precision",
    };
  }
  // SQLite: AUTOINCREMENT (only valid on INTEGER PRIMARY KEY) so ids are never reused after
  // deletes; INTEGER is 64-bit and REAL is a double there anyway.
  return {
    id: (column) => column.primaryKey().autoIncrement(),
    bigIdType: "integer",
    time: "integer",
    counter: "integer",
    money: "real",
  };
}

const LATENCY_BUCKETS = [
  "le_100",
  "le_250",
  "le_500",
  "le_1000",
  "le_2500",
  "le_5000",
  "le_10000",
  "le_30000",
  "gt_30000",
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);

  await db.schema
    .createTable("endpoint_credentials")
    .addColumn("id", "integer", t.id)
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("base_url", "text", (c) => c.notNull())
    .addColumn("api_key_encrypted", "text", (c) => c.notNull())
    .addColumn("key_hint", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", t.time, (c) => c.notNull())
    .addColumn("updated_at", t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("providers")
    .addColumn("id", "integer", t.id)
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("credential_id", "integer", (c) =>
      c.notNull().references("endpoint_credentials.id").onDelete("restrict"),
    )
    .addColumn("upstream_model", "text", (c) => c.notNull())
    .addColumn("price_input", t.money, (c) => c.notNull().defaultTo(0))
    .addColumn("price_output", t.money, (c) => c.notNull().defaultTo(0))
    .addColumn("price_cached", t.money, (c) => c.notNull().defaultTo(0))
    .addColumn("is_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("connect_timeout_ms", "integer")
    .addColumn("first_token_timeout_ms", "integer")
    .addColumn("total_timeout_ms", "integer")
    .addColumn("extra_headers", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", t.time, (c) => c.notNull())
    .addColumn("updated_at", t.time, (c) => c.notNull())
    .execute();
  // Deleting a credential checks for referencing providers; without this it is a scan.
  await db.schema.createIndex("providers_credential_id_idx").on("providers").column("credential_id").execute();

  await db.schema
    .createTable("model_groups")
    .addColumn("id", "integer", t.id)
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", t.time, (c) => c.notNull())
    .addColumn("updated_at", t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("group_members")
    .addColumn("group_id", "integer", (c) => c.notNull().references("model_groups.id").onDelete("cascade"))
    .addColumn("provider_id", "integer", (c) => c.notNull().references("providers.id").onDelete("cascade"))
    .addColumn("priority", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("weight", "integer", (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint("group_members_pk", ["group_id", "provider_id"])
    .execute();
  // The primary key serves lookups by group; deleting a provider cascades by provider_id.
  await db.schema.createIndex("group_members_provider_id_idx").on("group_members").column("provider_id").execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "integer", t.id)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("key_prefix", "text", (c) => c.notNull())
    .addColumn("is_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("all_groups", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", t.time)
    .addColumn("last_used_at", t.time)
    .addColumn("created_at", t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("api_key_groups")
    .addColumn("api_key_id", "integer", (c) => c.notNull().references("api_keys.id").onDelete("cascade"))
    .addColumn("group_id", "integer", (c) => c.notNull().references("model_groups.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("api_key_groups_pk", ["api_key_id", "group_id"])
    .execute();
  await db.schema.createIndex("api_key_groups_group_id_idx").on("api_key_groups").column("group_id").execute();

  await db.schema
    .createTable("failure_keywords")
    .addColumn("id", "integer", t.id)
    .addColumn("keyword", "text", (c) => c.notNull())
    .addColumn("is_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("hit_count", t.counter, (c) => c.notNull().defaultTo(0))
    .addColumn("last_hit_at", t.time)
    .addColumn("created_at", t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", t.time, (c) => c.notNull())
    .execute();

  // One row whose version every configuration write bumps, so each instance polls one cheap
  // read to know when to reload its in-memory snapshot.
  await db.schema
    .createTable("config_state")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("version", t.counter, (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`insert into config_state (id, version) values (1, 0)`.execute(db);

  await createCallLogTables(db, t);
  await createUsageHourly(db, t);

  await db.schema
    .createTable("admin_users")
    .addColumn("id", "integer", t.id)
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("must_change_password", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("session_version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", t.time, (c) => c.notNull())
    .addColumn("updated_at", t.time, (c) => c.notNull())
    .execute();

  // Cluster-wide jobs (retention, rollup repair): whoever holds an unexpired row runs it.
  await db.schema
    .createTable("job_locks")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", t.time, (c) => c.notNull())
    .execute();
}

async function createCallLogTables(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable("call_logs")
    .addColumn("id", t.bigIdType, t.id)
    .addColumn("request_id", "text", (c) => c.notNull().unique())
    .addColumn("created_at", t.time, (c) => c.notNull())
    .addColumn("api_key_id", "integer")
    .addColumn("api_key_name", "text")
    .addColumn("group_name", "text")
    .addColumn("provider_id", "integer")
    .addColumn("provider_name", "text")
    .addColumn("status", "integer", (c) => c.notNull())
    .addColumn("is_stream", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("latency_ms", "integer", (c) => c.notNull())
    .addColumn("ttft_ms", "integer")
    .addColumn("prompt_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("completion_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cached_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cost", t.money, (c) => c.notNull().defaultTo(0))
    .addColumn("is_usage_estimated", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("is_incomplete", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("error", "text")
    .addColumn("attempts", "text", (c) => c.notNull().defaultTo("[]"))
    .execute();
  // No foreign keys on purpose: a log row outlives the key, group or provider it names.
  // Newest-first keyset pagination orders by (created_at, id) and retention deletes by
  // created_at; both walk this index.
  await logIndex(db, "call_logs_created_at_idx", ["created_at desc", "id desc"]);
  // One per list filter, each ending in created_at so a filtered page is still an index range.
  await logIndex(db, "call_logs_group_created_idx", ["group_name", "created_at"]);
  await logIndex(db, "call_logs_provider_created_idx", ["provider_id", "created_at"]);
  await logIndex(db, "call_logs_api_key_created_idx", ["api_key_id", "created_at"]);
  await logIndex(db, "call_logs_status_created_idx", ["status", "created_at"]);

  // Bodies are large and optional: a table of their own keeps log rows narrow and lets them
  // expire sooner than the rows.
  await db.schema
    .createTable("call_log_bodies")
    .addColumn("request_id", "text", (c) => c.primaryKey())
    .addColumn("created_at", t.time, (c) => c.notNull())
    .addColumn("request_body", "text")
    .addColumn("response_body", "text")
    .execute();
  await db.schema.createIndex("call_log_bodies_created_at_idx").on("call_log_bodies").column("created_at").execute();
}

function logIndex(db: Kysely<unknown>, name: string, columns: string[]): Promise<void> {
  return db.schema.createIndex(name).on("call_logs").columns(columns).execute();
}

async function createUsageHourly(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  // Charts read these per-hour rollups, never the raw rows, so they stay fast with millions
  // of logs. "No group/provider/key" is '' / 0 rather than NULL, because NULLs never conflict
  // in a primary key and the upsert would insert duplicates.
  let table: CreateTableBuilder<string, string> = db.schema
    .createTable("usage_hourly")
    .addColumn("hour_start", t.time, (c) => c.notNull())
    .addColumn("group_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("provider_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("api_key_id", "integer", (c) => c.notNull().defaultTo(0));
  const counters = [
    "requests",
    "successes",
    "failures",
    "total_latency_ms",
    "latency_count",
    "total_ttft_ms",
    "ttft_count",
    "prompt_tokens",
    "completion_tokens",
    "cached_tokens",
    ...LATENCY_BUCKETS.map((bucket) => `lat_${bucket}`),
    ...LATENCY_BUCKETS.map((bucket) => `ttft_${bucket}`),
  ];
  for (const counter of counters) {
    table = table.addColumn(counter, t.counter, (c) => c.notNull().defaultTo(0));
  }
  await table
    .addColumn("cost", t.money, (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("usage_hourly_pk", ["hour_start", "group_name", "provider_name", "api_key_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const tables = [
    "job_locks",
    "admin_users",
    "usage_hourly",
    "call_log_bodies",
    "call_logs",
    "config_state",
    "settings",
    "failure_keywords",
    "api_key_groups",
    "api_keys",
    "group_members",
    "model_groups",
    "providers",
    "endpoint_credentials",
  ];
  for (const table of tables) await db.schema.dropTable(table).execute();
}
