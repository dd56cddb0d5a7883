import { PostgresAdapter, sql, Transaction } from "kysely";
import type { Expression, Kysely, RawBuilder, SqlBool } from "kysely";
import type { Database, DbBoolean, Executor } from "./schema";

/*
 * Everything that differs between SQLite and PostgreSQL at query time lives here. Much is
 * shared on purpose: both support `ON CONFLICT … DO UPDATE` and `RETURNING` through Kysely,
 * both store booleans as 0/1 and times as integer epoch milliseconds, and integer division
 * truncates in both, so hour/day bucketing is the same arithmetic.
 * (Migrations repeat their own few type choices: they are frozen and import no app code.)
 */

export type DialectName = "sqlite" | "postgres";

/**
 * Kysely has no public getter for the dialect, and a Transaction is a different object than
 * the Kysely it came from, so the adapter is the one thing both share. Kysely's own Migrator
 * reads it the same way.
 */
export function getDialect(db: Pick<Kysely<unknown>, "getExecutor">): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

export function toDbBoolean(value: boolean): DbBoolean {
  return value ? 1 : 0;
}

export function fromDbBoolean(value: DbBoolean): boolean {
  return value !== 0;
}

/**
 * Runs `fn` in a transaction, or inside the caller's one when `db` already is a transaction:
 * query functions compose, and SQLite's single connection would deadlock on a second BEGIN.
 */
export function withTransaction<T>(db: Executor, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  // `isTransaction`, not `instanceof`: a second copy of Kysely (another bundle) has other classes.
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}

/**
 * PostgreSQL text cannot hold a NUL character (the insert fails, and a log batch would fail
 * forever); upstream error text and bodies may carry one. Replaced on both dialects so a
 * row reads the same wherever it is stored.
 */
export function toStoredText<T extends string | null>(text: T): T {
  return (text === null ? null : text.replaceAll("\u0000", "\uFFFD")) as T;
}

/** Escapes LIKE wildcards so user text matches literally (used with `ESCAPE '\'`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * Case-insensitive substring match. Postgres needs ILIKE; SQLite's LIKE already ignores
 * ASCII case (and knows no ILIKE).
 */
export function containsText(db: Executor, column: Expression<string | null>, text: string): RawBuilder<SqlBool> {
  const operator = getDialect(db) === "postgres" ? sql`ilike` : sql`like`;
  return sql<SqlBool>`${column} ${operator} ${`%${escapeLike(text)}%`} escape '\\'`;
}

/**
 * Start of the bucket (`sizeMs` long, shifted by a time zone's `offsetMs`) an epoch-ms column
 * falls in. Constants are inlined as literals: better-sqlite3 binds JS numbers as REAL, and
 * a REAL divisor would turn SQLite's integer division into a fractional one.
 */
export function bucketStart(column: Expression<number>, sizeMs: number, offsetMs = 0): RawBuilder<number> {
  if (!Number.isInteger(sizeMs) || sizeMs <= 0 || !Number.isInteger(offsetMs)) {
    throw new Error("bucketStart needs a positive integer size and an integer offset");
  }
  const size = sql.lit(sizeMs);
  const offset = sql.lit(offsetMs);
  return sql<number>`(((${column} + ${offset}) / ${size}) * ${size} - ${offset})`;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/** better-sqlite3 reports SQLITE_CONSTRAINT_* codes, pg reports SQLSTATE 23505 / 23503. */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export function isForeignKeyViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === "23503" || code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}
