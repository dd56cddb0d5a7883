/**
 * Why an export or import stopped. Callers branch on `code` (the dashboard maps it to a
 * translated message); the message is one plain line for the CLI and never holds a secret.
 */
export type ConfigTransferErrorCode =
  | "invalid_document"
  | "unsupported_version"
  | "passphrase_required"
  | "weak_passphrase"
  | "wrong_passphrase"
  | "missing_endpoint_key"
  | "undecryptable_key"
  // Another system's storage (import-from): why it could not be read.
  | "source_unreadable"
  | "source_bad_url"
  | "source_unreachable"
  | "source_wrong_schema"
  | "source_invalid"
  | "source_unknown_keys"
  | "source_missing_env";

export class ConfigTransferError extends Error {
  readonly code: ConfigTransferErrorCode;
  /** Language-neutral specifics for a translated message: a document path, or names. */
  readonly detail: string | undefined;

  constructor(code: ConfigTransferErrorCode, message: string, options?: { cause?: unknown; detail?: string }) {
    super(message, options);
    this.name = "ConfigTransferError";
    this.code = code;
    this.detail = options?.detail;
  }
}

export function isConfigTransferError(error: unknown, code?: ConfigTransferErrorCode): error is ConfigTransferError {
  return error instanceof ConfigTransferError && (code === undefined || error.code === code);
}
