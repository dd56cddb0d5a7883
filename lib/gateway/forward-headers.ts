/*
 * Which of the client's headers reach the upstream. An endpoint's list of names (a trailing
 * `*` matches a prefix) says what may pass; some headers never pass, whatever the list:
 * the client's credentials (the upstream gets the endpoint's key), hop-by-hop headers,
 * framing and encoding (the relay is byte-exact), cookies, and the gateway's own headers.
 */

/** The list an endpoint uses until an operator sets its own. */
export const DEFAULT_FORWARD_HEADERS: readonly string[] = [
  "user-agent",
  "openai-beta",
  "openai-organization",
  "openai-project",
  "anthropic-beta",
  "anthropic-version",
  "http-referer",
  "x-title",
  // W3C trace context: with tracing off the client's trace reaches the upstream as is; with it
  // on, each attempt's own span replaces it (lib/gateway/tracing.ts).
  "traceparent",
  "tracestate",
  "x-*",
];

const NEVER = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "cookie",
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-connection",
  "content-length",
  "content-type",
  "content-encoding",
  "accept",
  "accept-encoding",
  "expect",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
  "x-request-id",
]);

// The gateway's own headers and Next.js internals.
const NEVER_PREFIXES = ["proxy-", "x-gateway-", "x-middleware-", "x-nextjs-", "x-invoke-", "next-"];

/** Whether a header may ever be forwarded (the lowercase name). */
export function isForwardable(name: string): boolean {
  return !NEVER.has(name) && !NEVER_PREFIXES.some((prefix) => name.startsWith(prefix));
}

export interface HeaderRule {
  exact: ReadonlySet<string>;
  prefixes: readonly string[];
}

/** Compiles a list of names and `prefix*` patterns (case-insensitive). */
export function compileHeaderRule(names: readonly string[]): HeaderRule {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (name.endsWith("*")) prefixes.push(name.slice(0, -1));
    else if (name) exact.add(name);
  }
  return { exact, prefixes };
}

export const DEFAULT_HEADER_RULE = compileHeaderRule(DEFAULT_FORWARD_HEADERS);

/** The client's headers this rule lets through, by lowercase name. */
export function pickForwardedHeaders(headers: Headers, rule: HeaderRule): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (!isForwardable(name)) continue;
    if (rule.exact.has(name) || rule.prefixes.some((prefix) => name.startsWith(prefix))) out[name] = value;
  }
  return out;
}
