/**
 * Where a webhook goes, without its path: a Slack (or most chat tools') webhook URL carries its
 * secret token in the path, so the dashboard and the audit log only ever show the origin.
 */
export function webhookOrigin(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return "…";
  }
}
