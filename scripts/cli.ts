// The operator's command line: `npm run cli -- <command> [options]`. It reads DATABASE_URL,
// ENCRYPTION_KEY and SECRETS_FILE (and .env) like the server, migrates the database first, and
// works through the same db/queries functions as the dashboard, on SQLite and PostgreSQL.
// Errors end it with one line on stderr: exit 1 for a failure, 2 for a wrong command line.
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { isDataError } from "../db/queries/errors";
import { cliActor, recordConfigChanges } from "../lib/audit/record";
import { isConfigTransferError } from "../lib/config-transfer";
import { IMPORT_SOURCES } from "../lib/config-transfer/sources";
import type { Command } from "./cli/command";
import { configExport, configImport } from "./cli/config-commands";
import { createCliContext, loadDotEnv } from "./cli/context";
import { discover } from "./cli/discover-command";
import { importFromCommand } from "./cli/import-from-command";
import { keysCreate, keysList, keysRevoke } from "./cli/keys-commands";
import { logsPrune, rollupsRebuild } from "./cli/maintenance-commands";
import { CliError, UsageError } from "./cli/output";
import { providersTest } from "./cli/providers-command";

const COMMANDS: readonly Command[] = [
  configExport,
  configImport,
  discover,
  ...IMPORT_SOURCES.map(importFromCommand),
  keysCreate,
  keysList,
  keysRevoke,
  providersTest,
  logsPrune,
  rollupsRebuild,
];
const PROGRAM = "npm run cli --";

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Operates an AI Provider API Server from the shell. Reads DATABASE_URL, ENCRYPTION_KEY and",
    "SECRETS_FILE (and .env) like the server, and migrates the database before any command.",
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    `Run \`${PROGRAM} <command> --help\` for a command's options.`,
  ].join("\n");
}

function commandHelp(command: Command): string {
  const width = Math.max(0, ...command.optionHelp.map(([flag]) => flag.length), "-h, --help".length);
  const options = [...command.optionHelp, ["-h, --help", "show this help"] as [string, string]];
  return [
    `Usage: ${PROGRAM} ${command.name}${command.usage ? ` ${command.usage}` : ""}`,
    "",
    command.summary + ".",
    "",
    command.description,
    "",
    "Options:",
    ...options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join("\n");
}

function findCommand(words: readonly (string | undefined)[]): Command | undefined {
  // Most commands are two words (`keys create`); a few are one (`discover`).
  const two = words.slice(0, 2).join(" ");
  return COMMANDS.find((command) => command.name === two) ?? COMMANDS.find((command) => command.name === words[0]);
}

async function run(argv: readonly string[]): Promise<number> {
  // The command's words come first; everything after them is its options and arguments.
  const leading = argv.slice(0, 2).filter((arg) => !arg.startsWith("-"));
  const isHelp = argv.includes("--help") || argv.includes("-h");
  if (leading[0] === "help") {
    const topic = findCommand(argv.slice(1, 3));
    process.stdout.write(`${topic ? commandHelp(topic) : mainHelp()}\n`);
    return 0;
  }
  const command = leading.length > 0 ? findCommand(leading) : undefined;
  if (!command) {
    if (leading.length === 0 || (isHelp && leading.length < 2)) {
      process.stdout.write(`${mainHelp()}\n`);
      return argv.length === 0 || isHelp ? 0 : 2;
    }
    const group = COMMANDS.filter((entry) => entry.name.startsWith(`${leading[0]} `)).map((entry) => entry.name);
    const hint = group.length > 0 ? `; did you mean ${group.join(" or ")}?` : "";
    throw new UsageError(`Unknown command "${leading.join(" ")}"${hint}`);
  }
  if (isHelp) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const rest = argv.slice(command.name.split(" ").length);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? (error.message.split(". To specify")[0] ?? "invalid option") : "invalid option",
    );
  }
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`${command.name} needs ${command.usage.split(" ")[0]}`);
  if (parsed.positionals.length > max)
    throw new UsageError(`${command.name}: unexpected argument "${parsed.positionals[max]}"`);

  const context = createCliContext();
  try {
    const input = { values: parsed.values, positionals: parsed.positionals };
    if (!command.auditSource) return await command.run(input, context);
    // One place for every writing command: the difference it made is the audit entry.
    return await recordConfigChanges(await context.db(), cliActor(command.auditSource), () =>
      command.run(input, context),
    );
  } finally {
    await context.close();
  }
}

/** One line, never a stack trace: what went wrong and, for a usage error, where to look. */
function describeFailure(error: unknown): { line: string; code: number } {
  if (error instanceof UsageError) return { line: `${error.message} (see --help)`, code: 2 };
  if (error instanceof CliError || isConfigTransferError(error) || isDataError(error))
    return { line: error.message, code: 1 };
  if (error instanceof ZodError) return { line: error.issues[0]?.message ?? "invalid input", code: 1 };
  const message = error instanceof Error ? error.message : String(error);
  return { line: message.split("\n")[0] ?? "failed", code: 1 };
}

loadDotEnv();
run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const { line, code } = describeFailure(error);
    process.stderr.write(`error: ${line}\n`);
    process.exitCode = code;
  },
);
