// Splitting a captured event stream into its raw events, and reading their data.

export interface RawSseEvent {
  /** The exact text of the event, its closing blank line included. */
  raw: string;
  /** Its data lines joined with "\n", or null for comment-only blocks. */
  data: string | null;
}

/** Splits an SSE body into events without changing a byte; LF, CRLF and CR line ends alike. */
export function splitSseEvents(text: string): RawSseEvent[] {
  const events: RawSseEvent[] = [];
  let start = 0;
  let data: string[] = [];
  let index = 0;
  while (index < text.length) {
    const lineEnd = text.slice(index).search(/\r\n|\r|\n/);
    const end = lineEnd === -1 ? text.length : index + lineEnd;
    const line = text.slice(index, end);
    index = lineEnd === -1 ? text.length : end + (text.startsWith("\r\n", end) ? 2 : 1);
    if (line === "") {
      events.push({ raw: text.slice(start, index), data: data.length > 0 ? data.join("\n") : null });
      start = index;
      data = [];
    } else if (line.startsWith("data:")) {
      data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
  }
  if (start < text.length) events.push({ raw: text.slice(start), data: data.length > 0 ? data.join("\n") : null });
  return events;
}

export function isUsageOnlyEvent(event: RawSseEvent): boolean {
  if (event.data === null || event.data === "[DONE]") return false;
  try {
    const payload = JSON.parse(event.data) as { choices?: unknown; usage?: unknown };
    return (
      Array.isArray(payload.choices) &&
      payload.choices.length === 0 &&
      typeof payload.usage === "object" &&
      payload.usage !== null
    );
  } catch {
    return false;
  }
}

/** What a client that did not ask for usage should receive of an upstream stream. */
export function withoutUsageEvent(text: string): string {
  return splitSseEvents(text)
    .filter((event) => !isUsageOnlyEvent(event))
    .map((event) => event.raw)
    .join("");
}

/** The `data` payloads of a stream, parsed where they are JSON. */
export function sseData(text: string): (string | Record<string, unknown>)[] {
  return splitSseEvents(text)
    .map((event) => event.data)
    .filter((data): data is string => data !== null)
    .map((data) => {
      try {
        return JSON.parse(data) as Record<string, unknown>;
      } catch {
        return data;
      }
    });
}

/** The assistant text carried by a stream's content deltas. */
export function streamedContent(text: string): string {
  let content = "";
  for (const data of sseData(text)) {
    if (typeof data === "string") continue;
    const choices = Array.isArray(data.choices) ? (data.choices as { delta?: { content?: unknown } }[]) : [];
    for (const choice of choices) if (typeof choice.delta?.content === "string") content += choice.delta.content;
  }
  return content;
}
