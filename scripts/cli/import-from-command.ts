import { importConfig } from "../../lib/config-transfer";
import { readImportSource, type ImportSourceName } from "../../lib/config-transfer/sources";
import { flagOption, type Command } from "./command";
import { describePlan } from "./config-commands";

const SUMMARIES: Record<ImportSourceName, string> = {
  niceapi: "Import a NiceAPI SQLite database (providers, groups, keys, keywords)",
  oneapi: "Import a one-api / new-api database (SQLite file, postgres:// or mysql:// URL)",
  litellm: "Import a LiteLLM proxy config.yaml (model_list, fallbacks, router settings)",
};

/** `import-from <source>`: one command per source, so each has its own help. */
export const importFromCommand = (source: ImportSourceName): Command => ({
  name: `import-from ${source}`,
  summary: SUMMARIES[source],
  usage: "<path-or-url> [--dry-run] [--json]",
  description: [
    "Reads another system's own storage, turns it into a configuration document and applies it",
    "like `config import` (the same plan, one transaction). oneapi: a one-api or new-api SQLite",
    "file, postgres://user@host/db[?schema=NAME] or mysql://user:pass@host:3306/db. Its tokens",
    "become API keys that keep their secret (`sk-<key>`), so clients keep working. See",
    "docs/import-from.md for what maps to what.",
  ].join("\n"),
  options: {
    "dry-run": { type: "boolean", short: "n" },
    json: { type: "boolean" },
  },
  optionHelp: [
    ["-n, --dry-run", "print what would change; change nothing"],
    ["--json", "print the plan as JSON"],
  ],
  positionals: { min: 1, max: 1 },
  auditSource: "config-import",
  async run({ values, positionals }, context) {
    const imported = await readImportSource(source, positionals[0] ?? "");
    const isDryRun = flagOption(values, "dry-run");
    const db = await context.db();
    const hasKeys = Object.keys(imported.secrets.endpointKeys).length > 0;
    const result = await importConfig(db, hasKeys ? await context.cipher() : null, imported.document, {
      secrets: imported.secrets,
      apiKeySecrets: imported.apiKeySecrets,
      dryRun: isDryRun,
    });
    for (const warning of imported.warnings) context.stderr(`Note: ${warning}`);
    context.stdout(flagOption(values, "json") ? JSON.stringify(result, null, 2) : describePlan(result, isDryRun));
    return 0;
  },
});
