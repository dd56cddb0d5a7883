/*
 * Provider names for imported models: a pattern for all (prefix + id + suffix, optionally
 * without the vendor path of ids such as `meta-llama/Llama-3-8B`), and a rename per row.
 */

export interface AliasOptions {
  prefix: string;
  suffix: string;
  /** `openai/gpt-4o` → `gpt-4o`: drops everything up to the last slash. */
  stripVendor: boolean;
}

export const MAX_PROVIDER_NAME_LENGTH = 100;

export const defaultAliasOptions: AliasOptions = { prefix: "", suffix: "", stripVendor: false };

export function aliasFor(modelId: string, options: AliasOptions): string {
  const slash = modelId.lastIndexOf("/");
  const base = options.stripVendor && slash !== -1 && slash < modelId.length - 1 ? modelId.slice(slash + 1) : modelId;
  return `${options.prefix}${base}${options.suffix}`;
}

/** The per-row rename wins when it is not blank; otherwise the pattern decides. */
export function providerNameFor(modelId: string, options: AliasOptions, rename: string | undefined): string {
  const renamed = rename?.trim();
  return renamed ? renamed : aliasFor(modelId, options).trim();
}

export type NameProblem = "required" | "tooLong" | "invalid";

/** What a provider name must be (as the providers form requires): 1–100 characters, one line. */
export function checkProviderName(name: string): NameProblem | null {
  if (name.trim() === "") return "required";
  if (name.length > MAX_PROVIDER_NAME_LENGTH) return "tooLong";
  if (/[\u0000-\u001f\u007f]/.test(name)) return "invalid";
  return null;
}
