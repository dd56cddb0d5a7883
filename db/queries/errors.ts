import { isForeignKeyViolation, isUniqueViolation } from "../dialect";

/**
 * The data layer's one error type. Callers branch on `code`, never on the message:
 * - `not_found`: the id names no row;
 * - `conflict`: a unique name is taken;
 * - `in_use`: other rows still reference it (a credential used by providers);
 * - `invalid`: a value the schema refuses (an unknown setting value, an empty keyword).
 */
export type DataErrorCode = "not_found" | "conflict" | "in_use" | "invalid";

// Marked with a registry symbol: Next bundles this module into several chunks, where
// `instanceof` would compare against a different copy of the class.
const DATA_ERROR = Symbol.for("ai-provider-api-server.DataError");

export class DataError extends Error {
  readonly [DATA_ERROR] = true;
  readonly code: DataErrorCode;

  constructor(code: DataErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DataError";
    this.code = code;
  }
}

export function isDataError(error: unknown, code?: DataErrorCode): error is DataError {
  const isData = typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[DATA_ERROR] === true;
  return isData && (code === undefined || (error as DataError).code === code);
}

/** Turns a constraint violation from either dialect into a DataError; anything else passes through. */
export function toDataError(error: unknown, messages: { conflict?: string; inUse?: string }): unknown {
  if (messages.conflict !== undefined && isUniqueViolation(error)) {
    return new DataError("conflict", messages.conflict, { cause: error });
  }
  if (messages.inUse !== undefined && isForeignKeyViolation(error)) {
    return new DataError("in_use", messages.inUse, { cause: error });
  }
  return error;
}

export function requireText(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === "") throw new DataError("invalid", `${field} must not be empty`);
  return trimmed;
}
