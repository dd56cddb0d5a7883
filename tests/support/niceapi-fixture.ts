/*
 * A NiceAPI database as SQLAlchemy creates it in SQLite from NiceAPI's app/models.py
 * (github.com/ivanslevy/NiceAPI), with rows like a running NiceAPI has.
 */
export const NICEAPI_DDL = [
  `CREATE TABLE api_providers (id INTEGER NOT NULL, name VARCHAR NOT NULL, api_endpoint VARCHAR NOT NULL,
    api_key VARCHAR NOT NULL, model VARCHAR, price_per_million_tokens FLOAT, type VARCHAR, is_active BOOLEAN,
    total_calls INTEGER, successful_calls INTEGER, PRIMARY KEY (id))`,
  `CREATE TABLE groups (id INTEGER NOT NULL, name VARCHAR NOT NULL, PRIMARY KEY (id))`,
  `CREATE UNIQUE INDEX ix_groups_name ON groups (name)`,
  `CREATE TABLE api_keys (id INTEGER NOT NULL, key VARCHAR NOT NULL, is_active BOOLEAN,
    created_at DATETIME, last_used_at DATETIME, PRIMARY KEY (id))`,
  `CREATE UNIQUE INDEX ix_api_keys_key ON api_keys (key)`,
  `CREATE TABLE provider_group_association (provider_id INTEGER NOT NULL, group_id INTEGER NOT NULL, priority INTEGER,
    PRIMARY KEY (provider_id, group_id), FOREIGN KEY(provider_id) REFERENCES api_providers (id),
    FOREIGN KEY(group_id) REFERENCES groups (id))`,
  `CREATE TABLE api_key_group_association (api_key_id INTEGER NOT NULL, group_id INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, group_id), FOREIGN KEY(api_key_id) REFERENCES api_keys (id),
    FOREIGN KEY(group_id) REFERENCES groups (id))`,
  `CREATE TABLE error_maintenance (id INTEGER NOT NULL, keyword VARCHAR NOT NULL, description VARCHAR,
    last_triggered DATETIME, is_active BOOLEAN, PRIMARY KEY (id))`,
  `CREATE TABLE settings (key VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY (key))`,
];

export const NICEAPI_CLIENT_KEY = "sk-NiceApiClientKey0123456789abcdefghijklmnopqrstu";

/** `upstream` is the OpenAI-compatible base URL (ending in /v1) the providers point at. */
export function niceApiRows(upstream: string): string[] {
  return [
    `INSERT INTO api_providers VALUES
      (1, 'main', '${upstream}', 'sk-upstream-main', 'model-a', 2.5, 'per_token', 1, 10, 9),
      (2, 'spare', '${upstream}/chat/completions', 'sk-upstream-main', 'model-b', 0.5, 'per_token', 1, 0, 0),
      (3, 'main', 'https://other.example.com/v1', 'sk-other', 'model-c', 1, 'per_call', 0, 0, 0)`,
    `INSERT INTO groups VALUES (1, 'chat'), (2, 'other')`,
    `INSERT INTO provider_group_association VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1)`,
    `INSERT INTO api_keys VALUES (1, '${NICEAPI_CLIENT_KEY}', 1, '2025-01-01 10:00:00+08:00', NULL),
      (2, 'sk-RevokedKey000000000000000000000000000000000000000', 0, '2025-01-02 10:00:00+08:00', NULL)`,
    `INSERT INTO api_key_group_association VALUES (1, 1), (2, 1), (2, 2)`,
    `INSERT INTO error_maintenance VALUES (1, 'insufficient balance', 'upstream out of credit', NULL, 1),
      (2, 'Service Unavailable', NULL, NULL, 0)`,
    `INSERT INTO settings VALUES ('failover_threshold_count', '4'), ('failover_threshold_period_minutes', '10'),
      ('theme', 'dark')`,
  ];
}
