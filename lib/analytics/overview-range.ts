import { z } from "zod";
import { addDays, formatDayKey, parseDayKey, startOfZonedDay, wallClockAt, type CalendarDay } from "../time-zone";

/*
 * The overview's time range, from the page's search params: the last 24 hours (by hour),
 * the last 7 or 30 local days (by day), or custom calendar days (by hour up to two days,
 * by day beyond). Ranges are whole hours, because the rollups are.
 */

const HOUR_MS = 3_600_000;
export const MAX_CUSTOM_DAYS = 400;

export const rangePresets = ["24h", "7d", "30d", "custom"] as const;
export type RangePreset = (typeof rangePresets)[number];

const dayKey = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => parseDayKey(value) !== null);

/** Anything unexpected in the URL falls back to the default rather than failing the page. */
export const overviewSearchSchema = z.object({
  range: z.enum(rangePresets).catch("24h").default("24h"),
  from: dayKey.optional().catch(undefined),
  to: dayKey.optional().catch(undefined),
});

export type OverviewSearch = z.infer<typeof overviewSearchSchema>;

export interface OverviewRange {
  preset: RangePreset;
  granularity: "hour" | "day";
  /** Epoch ms, inclusive, on an hour boundary. */
  from: number;
  /** Epoch ms, exclusive, on an hour boundary. */
  to: number;
  /** The local calendar days covered (for day buckets and the custom form). */
  firstDay: CalendarDay;
  lastDay: CalendarDay;
  /** Set when a custom range was asked for but invalid, so the page can say so. */
  isInvalidCustom: boolean;
}

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const ceilHour = (ms: number) => Math.ceil(ms / HOUR_MS) * HOUR_MS;

function today(now: number, timeZone: string): CalendarDay {
  const wall = wallClockAt(now, timeZone);
  return { year: wall.year, month: wall.month, day: wall.day };
}

function dayCount(first: CalendarDay, last: CalendarDay): number {
  return (
    Math.round(
      (Date.UTC(last.year, last.month - 1, last.day) - Date.UTC(first.year, first.month - 1, first.day)) / 86_400_000,
    ) + 1
  );
}

function lastDays(
  days: number,
  now: number,
  timeZone: string,
  preset: RangePreset,
  isInvalidCustom = false,
): OverviewRange {
  const lastDay = today(now, timeZone);
  const firstDay = addDays(lastDay, -(days - 1));
  return {
    preset,
    granularity: "day",
    from: floorHour(startOfZonedDay(firstDay, timeZone)),
    to: floorHour(now) + HOUR_MS,
    firstDay,
    lastDay,
    isInvalidCustom,
  };
}

export function resolveOverviewRange(search: OverviewSearch, now: number, timeZone: string): OverviewRange {
  if (search.range === "7d") return lastDays(7, now, timeZone, "7d");
  if (search.range === "30d") return lastDays(30, now, timeZone, "30d");
  if (search.range === "custom") {
    const first = search.from ? parseDayKey(search.from) : null;
    const last = search.to ? parseDayKey(search.to) : null;
    if (!first || !last || dayCount(first, last) < 1 || dayCount(first, last) > MAX_CUSTOM_DAYS) {
      return { ...lastDays(7, now, timeZone, "custom", true) };
    }
    const from = floorHour(startOfZonedDay(first, timeZone));
    const to = ceilHour(startOfZonedDay(addDays(last, 1), timeZone));
    return {
      preset: "custom",
      granularity: dayCount(first, last) <= 2 ? "hour" : "day",
      from,
      to,
      firstDay: first,
      lastDay: last,
      isInvalidCustom: false,
    };
  }
  const to = floorHour(now) + HOUR_MS;
  const from = to - 24 * HOUR_MS;
  const firstDay = today(from, timeZone);
  return {
    preset: "24h",
    granularity: "hour",
    from,
    to,
    firstDay,
    lastDay: today(now, timeZone),
    isInvalidCustom: false,
  };
}

export function dayKeyOf(day: CalendarDay): string {
  return formatDayKey(day.year, day.month, day.day);
}
