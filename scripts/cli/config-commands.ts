import { readFileSync, writeFileSync } from "node:fs";
import {
  exportConfig,
  importConfig,
  parseConfigDocumentText,
  serializeConfigDocument,
  type ImportResult,
  type PlannedChange,
} from "../../lib/config-transfer";
import { flagOption, stringOption, type Command } from "./command";
import { UsageError } from "./output";

/** A passphrase only ever comes from an environment variable: never argv, which `ps` shows. */
function passphraseFrom(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const value = process.env[variable];
  if (!value) throw new UsageError(`--passphrase-env ${variable}: the environment variable ${variable} is not set`);
  return value;
}

export const configExport: Command = {
  name: "config export",
  summary: "Write the configuration as a JSON document",
  usage: "[--out FILE] [--include-secrets --passphrase-env VAR]",
  description: [
    "Writes endpoints, providers, groups with members, failure keywords, settings and API keys",
    "(by name and groups, never their secrets) as one versioned JSON document, to stdout or FILE.",
    "Provider keys and the metrics token are left out unless --include-secrets is given; then",
    "they are encrypted with the passphrase read from the environment variable VAR.",
  ].join("\n"),
  options: {
    out: { type: "string", short: "o" },
    "include-secrets": { type: "boolean" },
    "passphrase-env": { type: "string" },
  },
  optionHelp: [
    ["-o, --out FILE", "write to FILE instead of stdout (mode 0600 when secrets are included)"],
    ["--include-secrets", "include provider keys and the metrics token, encrypted"],
    ["--passphrase-env VAR", "the environment variable holding the passphrase (8 characters or more)"],
  ],
  positionals: { min: 0, max: 0 },
  async run({ values }, context) {
    const includeSecrets = flagOption(values, "include-secrets");
    const passphraseVariable = stringOption(values, "passphrase-env");
    if (includeSecrets && passphraseVariable === undefined)
      throw new UsageError("--include-secrets needs --passphrase-env VAR");
    if (!includeSecrets && passphraseVariable !== undefined)
      throw new UsageError("--passphrase-env is only used with --include-secrets");
    const passphrase = passphraseFrom(passphraseVariable);
    const db = await context.db();
    const document = await exportConfig(db, includeSecrets ? await context.cipher() : null, {
      includeSecrets,
      passphrase,
    });
    const text = serializeConfigDocument(document);
    const out = stringOption(values, "out");
    if (out === undefined) {
      process.stdout.write(text);
      return 0;
    }
    writeFileSync(out, text, { mode: includeSecrets ? 0o600 : 0o644 });
    const counts = `${document.endpoints.length} endpoints, ${document.providers.length} providers, ${document.groups.length} groups`;
    context.stderr(`Wrote ${out} (${counts}${includeSecrets ? ", provider keys encrypted" : ", no secrets"})`);
    return 0;
  },
};

const SYMBOLS: Record<PlannedChange["action"], string> = { create: "+", update: "~", remove: "-" };

export function describePlan(result: ImportResult, isDryRun: boolean): string {
  const { plan } = result;
  const count = (action: PlannedChange["action"]) => plan.changes.filter((change) => change.action === action).length;
  const lines = [
    `${isDryRun ? "Dry run: would" : "Import:"} create ${count("create")}, update ${count("update")}, remove ${count("remove")}`,
  ];
  for (const change of plan.changes) {
    const fields = change.fields.length > 0 ? ` (${change.fields.join(", ")})` : "";
    lines.push(`  ${SYMBOLS[change.action]} ${change.kind} ${change.name}${fields}`);
  }
  const kept = plan.kept.filter((entry) => entry.kind !== "apiKey");
  if (kept.length > 0) {
    lines.push(
      `Kept, not in the document (--prune removes them): ${kept.map((entry) => `${entry.kind} ${entry.name}`).join(", ")}`,
    );
  }
  if (plan.skippedApiKeys.length > 0) {
    lines.push(
      `Skipped API keys ${plan.skippedApiKeys.join(", ")}: cannot import key secrets; create keys with \`keys create\``,
    );
  }
  if (isDryRun) lines.push("Nothing was changed (dry run).");
  else if (result.isApplied)
    lines.push(`Applied ${plan.changes.length} changes; configuration version ${result.configVersion}.`);
  else lines.push("Nothing to change: the database already matches the document.");
  return lines.join("\n");
}

export const configImport: Command = {
  name: "config import",
  summary: "Apply a configuration document (with a dry run)",
  usage: "<file|-> [--dry-run] [--prune] [--passphrase-env VAR] [--json]",
  description: [
    "Applies a document written by `config export` in one transaction, matching everything by",
    "name: missing objects are created and differing ones updated. With --prune, providers,",
    "endpoints, groups and failure keywords the document does not list are removed as well.",
    "API keys are only updated (groups, enabled, expiry): a key's secret cannot be imported, so an",
    "entry naming no existing key is skipped; create those keys with `keys create`.",
    "Settings the document leaves out keep their values. `-` reads the document from stdin.",
  ].join("\n"),
  options: {
    "dry-run": { type: "boolean", short: "n" },
    prune: { type: "boolean" },
    "passphrase-env": { type: "string" },
    json: { type: "boolean" },
  },
  optionHelp: [
    ["-n, --dry-run", "print what would change; change nothing"],
    ["--prune", "also remove what the document does not list (never API keys)"],
    ["--passphrase-env VAR", "the environment variable holding the passphrase of encrypted provider keys"],
    ["--json", "print the plan as JSON"],
  ],
  positionals: { min: 1, max: 1 },
  auditSource: "config-import",
  async run({ values, positionals }, context) {
    const file = positionals[0] ?? "-";
    let text: string;
    try {
      text = readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (error) {
      const reason = error instanceof Error && "code" in error ? String(error.code) : "unreadable";
      throw new UsageError(`Cannot read ${file === "-" ? "stdin" : file} (${reason})`);
    }
    const document = parseConfigDocumentText(text);
    const passphrase = passphraseFrom(stringOption(values, "passphrase-env"));
    const isDryRun = flagOption(values, "dry-run");
    const db = await context.db();
    const cipher = document.secrets ? await context.cipher() : null;
    const result = await importConfig(db, cipher, document, {
      passphrase,
      prune: flagOption(values, "prune"),
      dryRun: isDryRun,
    });
    context.stdout(flagOption(values, "json") ? JSON.stringify(result, null, 2) : describePlan(result, isDryRun));
    return 0;
  },
};
