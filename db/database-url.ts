import { isAbsolute, resolve } from "node:path";

export const DEFAULT_DATABASE_URL = "sqlite:///./api_server.db";

export type DatabaseTarget =
  { dialect: "sqlite"; filename: string } | { dialect: "postgres"; connectionString: string };

const EXPECTED_FORMS =
  "Expected sqlite:///relative/path.db, sqlite:////absolute/path.db, a plain file path (./data.db), " +
  ":memory:, or postgres://user:password@host:5432/database (postgresql:// works too).";

/** A scheme of two letters or more, so a Windows drive letter (`C:\…`) still reads as a path. */
const SCHEME_PATTERN = /^([a-z][a-z0-9+.-]+):/i;

const MEMORY = ":memory:";

/**
 * Reads DATABASE_URL. SQLite file names come back absolute, resolved against `cwd`, so the
 * client and its log lines agree on where the file is. Error messages never echo the value:
 * a mistyped Postgres URL still carries a password.
 */
export function parseDatabaseUrl(value: string | undefined, cwd: string = process.cwd()): DatabaseTarget {
  const url = value === undefined || value.trim() === "" ? DEFAULT_DATABASE_URL : value.trim();
  if (url === MEMORY) return { dialect: "sqlite", filename: MEMORY };

  const scheme = SCHEME_PATTERN.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return { dialect: "sqlite", filename: resolveFile(url, cwd) };
  if (scheme === "postgres" || scheme === "postgresql")
    return { dialect: "postgres", connectionString: parsePostgres(url) };
  if (scheme === "sqlite") return { dialect: "sqlite", filename: parseSqlite(url, cwd) };
  throw new Error(`DATABASE_URL uses the unsupported scheme "${scheme}:". ${EXPECTED_FORMS}`);
}

function parseSqlite(url: string, cwd: string): string {
  // SQLAlchemy's convention: three slashes then the path, so a fourth slash makes it absolute.
  const prefix = "sqlite:///";
  if (!url.toLowerCase().startsWith(prefix)) {
    throw new Error(`DATABASE_URL "${url}" is not a valid SQLite URL (it needs three slashes). ${EXPECTED_FORMS}`);
  }
  const path = url.slice(prefix.length);
  if (path === MEMORY) return MEMORY;
  if (path === "") throw new Error(`DATABASE_URL "${url}" names no SQLite file. ${EXPECTED_FORMS}`);
  return resolveFile(path, cwd);
}

function parsePostgres(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`DATABASE_URL is not a valid postgres:// URL. ${EXPECTED_FORMS}`);
  }
  if (parsed.hostname === "" && !parsed.searchParams.has("host")) {
    throw new Error(`DATABASE_URL is a postgres:// URL without a host. ${EXPECTED_FORMS}`);
  }
  return url;
}

function resolveFile(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
