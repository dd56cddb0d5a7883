/*
 * CSV for spreadsheets (RFC 4180): a cell holding a comma, quote or line break is quoted,
 * quotes doubled. A text cell starting with = + - @ (or a tab / carriage return, which some
 * spreadsheets skip before looking) would be run as a formula when the file is opened, so
 * it gets a leading apostrophe: upstream errors and key names are text anyone can send us.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvCell = string | number | boolean | null | undefined;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
