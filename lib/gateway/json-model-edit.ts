/*
 * Byte-exact edits of a JSON request body. The client's text is forwarded as written (big
 * integers, `1.0`, escapes, key order, whitespace); only the top-level `model` value is
 * replaced and, where the gateway asks the upstream for usage, one member is inserted. The
 * text has already passed JSON.parse, so the scanner only has to find spans, not validate.
 */

interface MemberSpan {
  valueStart: number;
  valueEnd: number;
}

interface ObjectSpans {
  /** Index just after the object's `{`. */
  bodyStart: number;
  /** Member name (escapes decoded) → its value's span; a repeated name keeps the last, as JSON.parse does. */
  members: Map<string, MemberSpan>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) at += 1;
  return at;
}

// A native search (indexOf) skips string contents: a character loop in JS costs more than
// the JSON.stringify this replaces on long conversations.
function skipString(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function skipContainer(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length;) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = skipString(text, i);
      continue;
    }
    if (code === 0x7b || code === 0x5b) depth += 1;
    else if ((code === 0x7d || code === 0x5d) && --depth === 0) return i + 1;
    i += 1;
  }
  return text.length;
}

function skipValue(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return skipString(text, at);
  if (first === 0x7b || first === 0x5b) return skipContainer(text, at);
  let end = at;
  while (end < text.length && !",}] \n\r\t".includes(text[end]!)) end += 1;
  return end;
}

/** The members of the object whose `{` is at `open`, or null when the text is not an object there. */
function scanObject(text: string, open: number): ObjectSpans | null {
  if (text[open] !== "{") return null;
  const members = new Map<string, MemberSpan>();
  const bodyStart = open + 1;
  let at = skipSpace(text, bodyStart);
  if (text[at] === "}") return { bodyStart, members };
  for (;;) {
    if (text[at] !== '"') return null;
    const keyEnd = skipString(text, at);
    const raw = text.slice(at, keyEnd);
    const name = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    at = skipSpace(text, keyEnd);
    if (text[at] !== ":") return null;
    const valueStart = skipSpace(text, at + 1);
    const valueEnd = skipValue(text, valueStart);
    members.set(name, { valueStart, valueEnd });
    at = skipSpace(text, valueEnd);
    if (text[at] === ",") at = skipSpace(text, at + 1);
    else if (text[at] === "}") return { bodyStart, members };
    else return null;
  }
}

interface Edit {
  start: number;
  end: number;
  insert: string;
}

const REQUEST_USAGE = '"include_usage":true';

/**
 * The insertion that asks a streaming upstream for its usage chunk, or null when the client
 * already chose (`stream_options.include_usage` present, whatever its value): that choice is
 * never overridden.
 */
function usageEdit(text: string, body: ObjectSpans): Edit | null {
  const options = body.members.get("stream_options");
  if (!options) return { start: body.bodyStart, end: body.bodyStart, insert: `"stream_options":{${REQUEST_USAGE}},` };
  if (text.slice(options.valueStart, options.valueEnd) === "null") {
    return { start: options.valueStart, end: options.valueEnd, insert: `{${REQUEST_USAGE}}` };
  }
  const inner = scanObject(text, options.valueStart);
  if (!inner || inner.members.has("include_usage")) return null;
  const insert = inner.members.size === 0 ? REQUEST_USAGE : `${REQUEST_USAGE},`;
  return { start: inner.bodyStart, end: inner.bodyStart, insert };
}

export interface BodyTemplate {
  /** The client's text with this upstream model in place (and usage requested when asked and not chosen by the client). */
  render(upstreamModel: string, requestUsage: boolean): string;
  /** Whether `render(…, true)` adds the usage request (the client did not choose). */
  readonly addsUsage: boolean;
}

/**
 * Prepares the edits once per request, so each failover attempt costs a few string slices.
 * `text` must be a JSON object with a string `model` (validated before this is called).
 */
export function createBodyTemplate(text: string, isStream: boolean): BodyTemplate {
  const body = scanObject(text, skipSpace(text, 0));
  const model = body?.members.get("model");
  if (!body || !model) throw new Error("createBodyTemplate: the body is not an object with a model");
  const usage = isStream ? usageEdit(text, body) : null;
  return {
    addsUsage: usage !== null,
    render(upstreamModel, requestUsage) {
      const edits: Edit[] = [{ start: model.valueStart, end: model.valueEnd, insert: JSON.stringify(upstreamModel) }];
      if (requestUsage && usage) {
        if (usage.start < model.valueStart) edits.unshift(usage);
        else edits.push(usage);
      }
      let out = "";
      let from = 0;
      for (const edit of edits) {
        out += text.slice(from, edit.start) + edit.insert;
        from = edit.end;
      }
      return out + text.slice(from);
    },
  };
}
