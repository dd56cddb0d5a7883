import type { ParseArgsConfig } from "node:util";
import type { CliContext } from "./context";

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandInput {
  values: OptionValues;
  positionals: string[];
}

/** One CLI command: its words, its help text, its options and what it does. */
export interface Command {
  /** The words that select it, e.g. "config export". */
  name: string;
  summary: string;
  /** Arguments after the name, for the usage line. */
  usage: string;
  /** Paragraphs shown by `--help` after the usage line. */
  description: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** `[flag, explanation]` per option, for `--help`. */
  optionHelp: [string, string][];
  positionals: { min: number; max: number };
  /** Set on commands that change the configuration: their changes are audited under this source. */
  auditSource?: "cli" | "config-import";
  /** Resolves to the exit code. */
  run(input: CommandInput, context: CliContext): Promise<number>;
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

export function flagOption(values: OptionValues, name: string): boolean {
  return values[name] === true;
}
