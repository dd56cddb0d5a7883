/*
 * A one-api database as one-api v0.6 creates it: the GORM models of model/channel.go,
 * model/token.go, model/user.go and model/ability.go written out as CREATE TABLE statements
 * (valid in SQLite and PostgreSQL alike), with rows like a real deployment has.
 */
export const ONEAPI_DDL = [
  `CREATE TABLE channels (
    id integer PRIMARY KEY, type bigint DEFAULT 0, key text, status bigint DEFAULT 1, name text,
    weight bigint DEFAULT 0, created_time bigint, test_time bigint, response_time bigint,
    base_url text DEFAULT '', other text, balance double precision, balance_updated_time bigint,
    models text, "group" varchar(32) DEFAULT 'default', used_quota bigint DEFAULT 0,
    model_mapping varchar(1024) DEFAULT '', priority bigint DEFAULT 0, config text, system_prompt text)`,
  `CREATE TABLE tokens (
    id integer PRIMARY KEY, user_id bigint, key char(48) UNIQUE, status bigint DEFAULT 1, name text,
    created_time bigint, accessed_time bigint, expired_time bigint DEFAULT -1, remain_quota bigint DEFAULT 0,
    unlimited_quota boolean DEFAULT false, used_quota bigint DEFAULT 0, models text, subnet text DEFAULT '')`,
  `CREATE TABLE users (
    id integer PRIMARY KEY, username text UNIQUE, password text NOT NULL, display_name text, role bigint DEFAULT 1,
    status bigint DEFAULT 1, email text, github_id text, wechat_id text, lark_id text, oidc_id text,
    access_token char(32) UNIQUE, quota bigint DEFAULT 0, used_quota bigint DEFAULT 0,
    request_count bigint DEFAULT 0, "group" varchar(32) DEFAULT 'default', aff_code varchar(32) UNIQUE,
    inviter_id bigint)`,
  `CREATE TABLE abilities (
    "group" varchar(32) NOT NULL, model varchar(255) NOT NULL, channel_id bigint NOT NULL,
    enabled boolean, priority bigint DEFAULT 0, PRIMARY KEY ("group", model, channel_id))`,
];

/*
 * The same models as GORM's AutoMigrate writes them on MySQL / MariaDB (one-api's most common
 * store): int → bigint, string → longtext (varchar(191) when indexed or defaulted), bool →
 * boolean. The rows above are reused as they are, in a session with ANSI_QUOTES.
 */
export const ONEAPI_MYSQL_DDL = [
  `CREATE TABLE channels (
    id bigint AUTO_INCREMENT PRIMARY KEY, type bigint DEFAULT 0, \`key\` text, status bigint DEFAULT 1,
    name varchar(191), weight bigint unsigned DEFAULT 0, created_time bigint, test_time bigint,
    response_time bigint, base_url varchar(191) DEFAULT '', other longtext, balance double,
    balance_updated_time bigint, models longtext, \`group\` varchar(32) DEFAULT 'default',
    used_quota bigint DEFAULT 0, model_mapping varchar(1024) DEFAULT '', priority bigint DEFAULT 0,
    config longtext, system_prompt text, INDEX idx_channels_name (name))`,
  `CREATE TABLE tokens (
    id bigint AUTO_INCREMENT PRIMARY KEY, user_id bigint, \`key\` char(48), status bigint DEFAULT 1,
    name varchar(191), created_time bigint, accessed_time bigint, expired_time bigint DEFAULT -1,
    remain_quota bigint DEFAULT 0, unlimited_quota boolean DEFAULT false, used_quota bigint DEFAULT 0,
    models varchar(191) DEFAULT '', subnet varchar(191) DEFAULT '',
    UNIQUE INDEX idx_tokens_key (\`key\`), INDEX idx_tokens_name (name))`,
  `CREATE TABLE users (
    id bigint AUTO_INCREMENT PRIMARY KEY, username varchar(191) UNIQUE, password longtext NOT NULL,
    display_name varchar(191), role bigint DEFAULT 1, status bigint DEFAULT 1, email varchar(191),
    github_id varchar(191), wechat_id varchar(191), lark_id varchar(191), oidc_id varchar(191),
    access_token char(32) UNIQUE, quota bigint DEFAULT 0, used_quota bigint DEFAULT 0,
    request_count bigint DEFAULT 0, \`group\` varchar(32) DEFAULT 'default', aff_code varchar(32) UNIQUE,
    inviter_id bigint)`,
  `CREATE TABLE abilities (
    \`group\` varchar(32) NOT NULL, model varchar(255) NOT NULL, channel_id bigint NOT NULL,
    enabled boolean, priority bigint DEFAULT 0, PRIMARY KEY (\`group\`, model, channel_id))`,
];

/** Clear-text token keys as one-api stores them (48 characters, no `sk-`). */
export const ONEAPI_TOKEN_KEYS = {
  team: "teamKey0123456789abcdefghijklmnopqrstuvwxyzABCDE",
  vip: "vipKey00123456789abcdefghijklmnopqrstuvwxyzABCDE",
  expired: "oldKey00123456789abcdefghijklmnopqrstuvwxyzABCDE",
} as const;

/** Rows for the fixture; `upstream` is the base URL (no /v1) the OpenAI-type channels point at. */
export function oneApiRows(upstream: string): string[] {
  const k = ONEAPI_TOKEN_KEYS;
  return [
    `INSERT INTO users (id, username, password, display_name, role, status, "group", quota) VALUES
      (1, 'root', 'x', 'Root', 100, 1, 'default', 0), (2, 'alice', 'x', 'Alice', 1, 1, 'vip', 0)`,
    `INSERT INTO channels (id, type, "key", status, name, weight, base_url, models, "group", model_mapping, priority) VALUES
      (1, 1, 'sk-upstream-primary', 1, 'primary', 3, '${upstream}', 'gpt-4o,gpt-4o-mini', 'default,vip', '{"gpt-4o":"gpt-4o-2024-08-06"}', 10),
      (2, 8, 'sk-upstream-backup', 1, 'backup', 0, '${upstream}', 'gpt-4o', 'default', '', 0),
      (3, 14, 'sk-ant-claude', 2, 'claude', 1, '', 'claude-3-5-sonnet', 'vip', '', 5),
      (4, 15, 'baidu-key', 1, 'wenxin', 1, '', 'ERNIE-4.0', 'default', '', 0)`,
    `INSERT INTO abilities ("group", model, channel_id, enabled, priority) VALUES
      ('default', 'gpt-4o', 1, TRUE, 10), ('vip', 'gpt-4o', 1, TRUE, 10), ('default', 'gpt-4o-mini', 1, TRUE, 10),
      ('vip', 'gpt-4o-mini', 1, TRUE, 10), ('default', 'gpt-4o', 2, TRUE, 0), ('vip', 'claude-3-5-sonnet', 3, FALSE, 5)`,
    `INSERT INTO tokens (id, user_id, "key", status, name, created_time, expired_time, remain_quota, unlimited_quota) VALUES
      (1, 1, '${k.team}', 1, 'team', 1700000000, -1, 0, TRUE),
      (2, 2, '${k.vip}', 1, 'alice', 1700000000, 4102444800, 2500000, FALSE),
      (3, 1, '${k.expired}', 3, 'old', 1600000000, 1600086400, 100, FALSE)`,
  ];
}
