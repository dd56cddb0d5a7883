import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import pg from "pg";
import { invalidSource } from "./source";

export type Row = Record<string, unknown>;

/** Read-only access to another system's tables, SQLite file or PostgreSQL URL alike. */
export interface SqlReader {
  tables(): Promise<Set<string>>;
  all(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

function openSqlite(path: string): SqlReader {
  if (!existsSync(path)) throw invalidSource(`No such file: ${path}`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.prepare("SELECT count(*) FROM sqlite_master").get();
  } catch (error) {
    throw invalidSource(`${path} is not a SQLite database`, error);
  }
  return {
    tables: async () =>
      new Set(
        (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
          (row) => row.name,
        ),
      ),
    all: async (sql) => db.prepare(sql).all() as Row[],
    close: async () => {
      db.close();
    },
  };
}

/** `?schema=NAME` picks the schema to read (default: the server's search_path). */
async function openPostgres(url: string): Promise<SqlReader> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: parsed.toString() });
  try {
    await client.connect();
    if (schema !== null) await client.query(`SET search_path TO ${client.escapeIdentifier(schema)}`);
  } catch (error) {
    await client.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : "unknown error";
    throw invalidSource(`Cannot read the PostgreSQL database ${parsed.host}${parsed.pathname}: ${reason}`, error);
  }
  return {
    tables: async () => {
      const result = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
      );
      return new Set(result.rows.map((row) => row.table_name));
    },
    all: async (sql) => (await client.query<Row>(sql)).rows,
    close: () => client.end(),
  };
}

export function openSqlReader(location: string): Promise<SqlReader> | SqlReader {
  if (/^postgres(ql)?:\/\//i.test(location)) return openPostgres(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location))
    throw invalidSource(`Unsupported database URL (use a SQLite file path or postgres://…): ${location.split(":")[0]}`);
  return openSqlite(location);
}

export async function requireTables(reader: SqlReader, source: string, names: readonly string[]): Promise<void> {
  const present = await reader.tables();
  const missing = names.filter((name) => !present.has(name));
  if (missing.length > 0)
    throw invalidSource(
      `This is not a ${source} database: missing table${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`,
    );
}
