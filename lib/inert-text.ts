/*
 * Text from upstreams and clients (errors, bodies, names) shown in the dashboard. React
 * already escapes markup; this also keeps such text from misleading the reader or the
 * layout (RELIABILITY.md H): control characters become their visible Unicode pictures,
 * bidirectional overrides (which can reorder what a line appears to say) are replaced, and
 * long text is cut to a size the browser renders quickly.
 */

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

function picture(char: string): string {
  const code = char.charCodeAt(0);
  return String.fromCharCode(code === 0x7f ? 0x2421 : 0x2400 + code);
}

/** Cuts at `max` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

export interface InertText {
  text: string;
  isTruncated: boolean;
  /** Length of the original, in characters (UTF-16 units). */
  totalChars: number;
}

/** For blocks (`white-space: pre-wrap`): line breaks and tabs stay. */
export function inertBlock(text: string, maxChars: number): InertText {
  const shown = cut(text, maxChars).replace(CONTROL, picture).replace(BIDI, "\uFFFD");
  return { text: shown, isTruncated: text.length > maxChars, totalChars: text.length };
}

/** For one-line cells: all whitespace runs become one space, then the text is cut with "…". */
export function inertLine(text: string, maxChars: number): string {
  // Cut first (generously) so a megabyte-long line is not scanned by every replace.
  const head = cut(text, maxChars * 2 + 16)
    .replace(/\s+/g, " ")
    .replace(CONTROL, picture)
    .replace(BIDI, "\uFFFD")
    .trim();
  return head.length > maxChars || text.length > maxChars * 2 + 16 ? `${cut(head, maxChars)}…` : head;
}

/** Pretty-prints JSON when the text is JSON (and not huge); otherwise returns it unchanged. */
export function prettyJson(text: string, maxChars: number): string {
  if (text.length > maxChars) return text;
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
