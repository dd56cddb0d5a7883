/*
 * The preview's filters, run in the browser on every keystroke over up to thousands of ids:
 * patterns are compiled once per change, and ids are lower-cased once per list.
 */

export interface FilterOptions {
  /** Kept ids contain this (or match it, in regex mode); blank keeps everything. */
  include: string;
  /** Ids containing (matching) any of these are dropped. */
  excludes: readonly string[];
  useRegex: boolean;
}

export interface CompiledFilter {
  /** `lowerId` is `id.toLowerCase()`, computed once per list by the caller. */
  matches(id: string, lowerId: string): boolean;
  /** True when the include pattern is not a valid regular expression (it is then ignored). */
  isIncludeInvalid: boolean;
  /** Exclude patterns that are not valid regular expressions (each is ignored). */
  invalidExcludes: string[];
}

/** Longer patterns are refused: they are typed by hand, and length bounds the matching cost. */
export const MAX_PATTERN_LENGTH = 200;

type Matcher = (id: string, lowerId: string) => boolean;

/** A case-insensitive RegExp, or null when the pattern does not compile (never throws). */
export function compilePattern(pattern: string): RegExp | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return null;
  try {
    return new RegExp(pattern, "i");
  } catch {
    return null;
  }
}

function matcherFor(pattern: string, useRegex: boolean): Matcher | null {
  if (!useRegex) {
    const needle = pattern.toLowerCase();
    return (_id, lowerId) => lowerId.includes(needle);
  }
  const regex = compilePattern(pattern);
  return regex ? (id) => regex.test(id) : null;
}

/** Blank patterns (after trimming) are ignored; every other pattern is used as typed. */
export function compileFilter(options: FilterOptions): CompiledFilter {
  const include = options.include.trim();
  const includeMatcher = include === "" ? null : matcherFor(include, options.useRegex);
  const isIncludeInvalid = include !== "" && includeMatcher === null;
  const excludeMatchers: Matcher[] = [];
  const invalidExcludes: string[] = [];
  for (const raw of options.excludes) {
    const pattern = raw.trim();
    if (pattern === "") continue;
    const matcher = matcherFor(pattern, options.useRegex);
    if (matcher) excludeMatchers.push(matcher);
    else invalidExcludes.push(pattern);
  }
  return {
    isIncludeInvalid,
    invalidExcludes,
    matches(id, lowerId) {
      if (includeMatcher && !includeMatcher(id, lowerId)) return false;
      for (const exclude of excludeMatchers) if (exclude(id, lowerId)) return false;
      return true;
    },
  };
}

/** Ids that pass the filter, in their given order. */
export function filterModelIds(ids: readonly string[], options: FilterOptions): string[] {
  const filter = compileFilter(options);
  return ids.filter((id) => filter.matches(id, id.toLowerCase()));
}

/** Splits "a, b\nc" into ["a", "b", "c"]: how several exclude keywords are typed or pasted. */
export function splitKeywords(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
}
