/** The expiry choices of the key form; days are counted from the moment of saving. */
export const expiryPresetDays = [30, 90, 365] as const;

export type ExpiryChoice = "keep" | "never" | "date" | `${(typeof expiryPresetDays)[number]}`;

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a local date, the value format of `<input type="date">`. */
export function toDateInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * Epoch ms for the choice (a chosen date lasts to the end of that day, in the browser's time
 * zone), null for never, undefined to keep the current expiry; "invalid" for an unusable date.
 */
export function expiryFromChoice(
  choice: ExpiryChoice,
  dateValue: string,
  now: number,
): number | null | undefined | "invalid" {
  if (choice === "keep") return undefined;
  if (choice === "never") return null;
  if (choice === "date") {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateValue);
    if (!match) return "invalid";
    const end = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999).getTime();
    return Number.isFinite(end) ? end : "invalid";
  }
  return now + Number(choice) * DAY_MS;
}
