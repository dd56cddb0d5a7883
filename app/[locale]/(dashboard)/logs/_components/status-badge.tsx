import { Badge } from "../../_components/ui/badge";

/** 2xx green, 499 (client went away) gray, other 4xx amber, 5xx and the rest red. */
export function StatusBadge({ status }: { status: number }) {
  const tone = status < 300 ? "green" : status === 499 ? "gray" : status < 500 ? "amber" : "red";
  return (
    <span data-testid="status-badge" data-status={status}>
      <Badge tone={tone}>{status}</Badge>
    </span>
  );
}
