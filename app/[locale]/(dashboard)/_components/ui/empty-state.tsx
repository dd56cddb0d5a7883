import type { ReactNode } from "react";

/** What an empty list shows: what is missing and what to do next. */
export function EmptyState({ title, body, action }: { title: string; body: string; action?: ReactNode }) {
  return (
    <div
      className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center"
      data-testid="empty-state"
    >
      <h3 className="font-semibold text-slate-900">{title}</h3>
      <p className="mx-auto mt-1 max-w-md text-sm text-slate-500">{body}</p>
      {action ? <div className="mt-4 flex justify-center">{action}</div> : null}
    </div>
  );
}
