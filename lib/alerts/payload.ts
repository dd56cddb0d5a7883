import { createHmac } from "node:crypto";
import type { Alert, AlertTarget } from "./events";

/** The header a generic target's receiver verifies: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE_HEADER = "x-gateway-signature";
/** The body is signed together with this timestamp (`<timestamp>.<body>`), so a replay can be spotted. */
export const TIMESTAMP_HEADER = "x-gateway-timestamp";

export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
}

const SEVERITY_MARK = { info: "ℹ️", warning: "⚠️", critical: "🚨" } as const;

export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** Generic JSON: `{event, severity, summary, details, at, gateway}`; Slack: `{text, blocks}`. */
export function buildWebhookRequest(target: AlertTarget, alert: Alert, gateway: string): WebhookRequest {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "llm-gateway-alerts" };
  if (target.kind === "slack") {
    const text = `${SEVERITY_MARK[alert.severity]} [${gateway}] ${alert.summary}`;
    const fields = Object.entries(alert.details)
      .filter(([, value]) => value !== null && value !== "")
      .map(([name, value]) => ({ type: "mrkdwn", text: `*${name}*\n${String(value)}` }))
      .slice(0, 10);
    const blocks: unknown[] = [{ type: "section", text: { type: "mrkdwn", text } }];
    if (fields.length > 0) blocks.push({ type: "section", fields });
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `${alert.event} · ${new Date(alert.at).toISOString()}` }],
    });
    return { headers, body: JSON.stringify({ text, blocks }) };
  }
  const body = JSON.stringify({
    event: alert.event,
    severity: alert.severity,
    summary: alert.summary,
    details: alert.details,
    at: new Date(alert.at).toISOString(),
    gateway,
  });
  if (target.secret) {
    const timestamp = String(Math.floor(alert.at / 1000));
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signBody(target.secret, timestamp, body);
  }
  return { headers, body };
}
