import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import { existsSync } from "node:fs";
import pg from "pg";
import { invalidSource } from "./source";

export type Row = Record<string, unknown>;

/** Read-only access to another system's tables: SQLite file, PostgreSQL or MySQL URL alike. */
export interface SqlReader {
  tables(): Promise<Set<string>>;
  all(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

/** A server that does not answer in this long is reported, not waited for. */
const CONNECT_TIMEOUT_MS = 5_000;

/** A query failing on tables that exist means their columns are not the ones we know. */
async function queryOrWrongSchema(run: () => Promise<Row[]>): Promise<Row[]> {
  try {
    return await run();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidSource("source_wrong_schema", `The database's tables are not the expected ones: ${reason}`, {
      cause: error,
      detail: reason,
    });
  }
}

function openSqlite(path: string): SqlReader {
  if (!existsSync(path)) throw invalidSource("source_unreadable", `No such file: ${path}`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.prepare("SELECT count(*) FROM sqlite_master").get();
  } catch (error) {
    throw invalidSource("source_unreadable", `${path} is not a SQLite database`, { cause: error });
  }
  return {
    tables: async () =>
      new Set(
        (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
          (row) => row.name,
        ),
      ),
    all: (sql) => queryOrWrongSchema(async () => db.prepare(sql).all() as Row[]),
    close: async () => {
      db.close();
    },
  };
}

function unreachable(kind: string, url: URL, error: unknown) {
  const reason = error instanceof Error ? error.message : "unknown error";
  const where = `${url.host}${url.pathname}`;
  return invalidSource("source_unreachable", `Cannot read the ${kind} database ${where}: ${reason}`, {
    cause: error,
    detail: where,
  });
}

/** `?schema=NAME` picks the schema to read (default: the server's search_path). */
async function openPostgres(url: URL): Promise<SqlReader> {
  const schema = url.searchParams.get("schema");
  url.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    if (schema !== null) await client.query(`SET search_path TO ${client.escapeIdentifier(schema)}`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw unreachable("PostgreSQL", url, error);
  }
  return {
    tables: async () => {
      const result = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
      );
      return new Set(result.rows.map((row) => row.table_name));
    },
    all: (sql) => queryOrWrongSchema(async () => (await client.query<Row>(sql)).rows),
    close: () => client.end(),
  };
}

/** MySQL or MariaDB, as one-api runs on most often; the URL must name the database. */
async function openMysql(url: URL): Promise<SqlReader> {
  if (url.pathname.length <= 1)
    throw invalidSource("source_bad_url", "The MySQL URL names no database (mysql://user:pass@host:3306/db)", {
      detail: "mysql://user:pass@host:3306/db",
    });
  let connection: mysql.Connection | undefined;
  try {
    connection = await mysql.createConnection({ uri: url.toString(), connectTimeout: CONNECT_TIMEOUT_MS });
    // The readers quote identifiers the standard way ("group"); MySQL reads that as a string otherwise.
    await connection.query("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',ANSI_QUOTES')");
  } catch (error) {
    await connection?.end().catch(() => undefined);
    throw unreachable("MySQL", url, error);
  }
  const open = connection;
  const select = async (sql: string) => (await open.query(sql))[0] as Row[];
  return {
    tables: async () =>
      new Set(
        (await select("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()")).map(
          (row) => String(row.name),
        ),
      ),
    all: (sql) => queryOrWrongSchema(() => select(sql)),
    close: () => open.end(),
  };
}

function parseUrl(location: string): URL {
  try {
    return new URL(location);
  } catch (error) {
    throw invalidSource("source_bad_url", "The database URL is malformed", { cause: error, detail: "" });
  }
}

export function openSqlReader(location: string): Promise<SqlReader> | SqlReader {
  if (/^postgres(ql)?:\/\//i.test(location)) return openPostgres(parseUrl(location));
  if (/^mysql:\/\//i.test(location)) return openMysql(parseUrl(location));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    const scheme = location.split(":")[0] ?? "";
    throw invalidSource(
      "source_bad_url",
      `Unsupported database URL (use a SQLite file path, postgres://… or mysql://…): ${scheme}`,
      { detail: scheme },
    );
  }
  return openSqlite(location);
}

export async function requireTables(reader: SqlReader, source: string, names: readonly string[]): Promise<void> {
  const present = await reader.tables();
  const missing = names.filter((name) => !present.has(name));
  if (missing.length > 0)
    throw invalidSource(
      "source_wrong_schema",
      `This is not a ${source} database: missing table${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`,
      { detail: missing.join(", ") },
    );
}
