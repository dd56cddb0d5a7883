import { getTranslations } from "next-intl/server";
import type { AuditSource } from "@/db/queries/audit-log";
import { Badge } from "../../_components/ui/badge";

/** One row, every value already formatted and made inert (lib/inert-text.ts). */
export interface AuditRowView {
  id: number;
  timeIso: string;
  time: string;
  actor: string;
  source: AuditSource;
  ip: string | null;
  userAgent: string | null;
  kind: string;
  verb: "create" | "update" | "delete" | "other";
  action: string;
  target: string;
  /** `field: before → after`, one per changed field. */
  changes: string[];
}

const SOURCE_KEYS = { dashboard: "dashboard", cli: "cli", "config-import": "configImport", api: "api" } as const;
const VERB_TONES = { create: "green", update: "blue", delete: "red", other: "gray" } as const;
const KINDS = new Set(["endpoint", "provider", "group", "key", "keyword", "settings"]);

export async function AuditTable({ rows }: { rows: AuditRowView[] }) {
  const t = await getTranslations("Audit");
  return (
    <div className="card overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="audit-table">
        <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-3 py-2">{t("table.time")}</th>
            <th className="px-3 py-2">{t("table.actor")}</th>
            <th className="px-3 py-2">{t("table.from")}</th>
            <th className="px-3 py-2">{t("table.action")}</th>
            <th className="px-3 py-2">{t("table.target")}</th>
            <th className="px-3 py-2">{t("table.changes")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.id} className="align-top" data-testid="audit-row" data-action={row.action}>
              <td className="whitespace-nowrap px-3 py-2 text-slate-600">
                <time dateTime={row.timeIso}>{row.time}</time>
              </td>
              <td className="px-3 py-2">
                <div className="font-medium text-slate-900">{row.actor}</div>
                <div className="text-xs text-slate-500">{t(`sources.${SOURCE_KEYS[row.source]}`)}</div>
              </td>
              <td className="px-3 py-2 text-xs text-slate-600" title={row.userAgent ?? undefined}>
                {row.ip ?? <span className="text-slate-300">—</span>}
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                <Badge tone={VERB_TONES[row.verb]}>
                  {KINDS.has(row.kind) ? t(`kinds.${row.kind}`) : row.kind}
                  {row.verb === "other" ? "" : ` · ${t(`verbs.${row.verb}`)}`}
                </Badge>
              </td>
              <td className="px-3 py-2 font-medium text-slate-900" data-testid="audit-target">
                {/* The settings have no name of their own: they are named in the viewer's language. */}
                {row.kind === "settings" ? t("kinds.settings") : row.target}
              </td>
              <td className="px-3 py-2">
                {row.changes.length === 0 ? (
                  <span className="text-slate-300">—</span>
                ) : (
                  <ul className="space-y-0.5 font-mono text-xs text-slate-700" data-testid="audit-changes">
                    {row.changes.map((change, index) => (
                      <li key={index} className="break-all">
                        {change}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
