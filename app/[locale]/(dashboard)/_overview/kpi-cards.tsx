export interface KpiCard {
  id: string;
  label: string;
  value: string;
  detail?: string;
  tone?: "default" | "good" | "warn" | "bad";
}

const toneClass = {
  default: "text-slate-900",
  good: "text-emerald-700",
  warn: "text-amber-700",
  bad: "text-red-700",
} as const;

export function KpiCards({ cards }: { cards: KpiCard[] }) {
  return (
    <div className="grid grid-cols-2 gap-4 md:grid-cols-3 2xl:grid-cols-6" data-testid="kpi-cards">
      {cards.map((card) => (
        <div key={card.id} className="card min-w-0 p-4" data-testid={`kpi-${card.id}`}>
          <p className="text-xs font-medium text-slate-500">{card.label}</p>
          <p
            className={`mt-1 truncate text-2xl font-semibold tabular-nums ${toneClass[card.tone ?? "default"]}`}
            data-testid="kpi-value"
          >
            {card.value}
          </p>
          {card.detail ? <p className="mt-1 text-xs text-slate-500">{card.detail}</p> : null}
        </div>
      ))}
    </div>
  );
}
