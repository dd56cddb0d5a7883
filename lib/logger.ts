import { pino, type Logger } from "pino";
import { getEnv } from "./env";

/*
 * The process's log: one JSON object per line on stdout (pino), with `time`, `level`, `pid`,
 * a `msg` and the fields of the event (`requestId` for anything about one request). The level
 * comes from LOG_LEVEL (default info); `debug` adds one line per finished API request.
 * Secrets never reach it: callers log ids, names and error messages, never keys or bodies.
 */

let current: Logger | null = null;

export function getLogger(): Logger {
  current ??= pino({
    level: getEnv().LOG_LEVEL,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
  return current;
}

/** An error as a log field: its message only (a stack could carry a request's text). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
