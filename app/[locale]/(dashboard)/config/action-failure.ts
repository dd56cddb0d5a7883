import "server-only";
import { isDataError } from "@/db/queries/errors";
import { isConfigTransferError, type ConfigTransferErrorCode } from "@/lib/config-transfer";
import { errorText, getLogger } from "@/lib/logger";
import type { ConfigFailure } from "./config-types";

export const unauthorized: ConfigFailure = { ok: false, formError: "unauthorized" };

const ERROR_KEYS: Record<ConfigTransferErrorCode, string> = {
  invalid_document: "configInvalid",
  unsupported_version: "configVersion",
  passphrase_required: "passphraseRequired",
  weak_passphrase: "passphraseTooShort",
  wrong_passphrase: "wrongPassphrase",
  missing_endpoint_key: "missingEndpointKey",
  undecryptable_key: "undecryptableKey",
  source_unreadable: "sourceUnreadable",
  source_bad_url: "sourceBadUrl",
  source_unreachable: "sourceUnreachable",
  source_wrong_schema: "sourceWrongSchema",
  source_invalid: "sourceInvalid",
  source_unknown_keys: "sourceUnknownKeys",
  source_missing_env: "sourceMissingEnv",
};

/** Never a raw message or a stack: a translated key, plus a path or names where that helps. */
export function failure(error: unknown): ConfigFailure {
  if (isConfigTransferError(error)) return { ok: false, formError: ERROR_KEYS[error.code], errorDetail: error.detail };
  if (isDataError(error, "conflict")) return { ok: false, formError: "duplicateName" };
  if (isDataError(error, "in_use")) return { ok: false, formError: "inUse" };
  if (isDataError(error, "not_found")) return { ok: false, formError: "notFound" };
  // An unexpected failure is the operator's to diagnose: its message goes to the server log.
  getLogger().error({ error: errorText(error) }, `Configuration transfer failed: ${errorText(error)}`);
  return { ok: false, formError: "unexpected" };
}
