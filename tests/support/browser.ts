import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { isPostgresPass } from "./test-store";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium, headless, kept off the closed network (playwright gives each launch a fresh profile). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Collects console errors and dialogs so a test can assert the page stayed quiet. */
export function watchPage(page: Page): { errors: string[] } {
  const errors: string[] = [];
  page.on("console", (message) => {
    // Failed loads are reported by the response listener with their URL.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  page.on("dialog", (dialog) => {
    errors.push(`unexpected dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { errors };
}

/** Signs in through the form and waits until the browser lands on `expectPath`. */
export async function signIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  expectPath = "/en",
  locale = "en",
): Promise<void> {
  await page.goto(`${baseUrl}/${locale}/login`);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL((url) => url.pathname === expectPath), page.click("button[type=submit]")]);
}

/**
 * Where browser tests save their screenshots: tmp/screenshots/ by default, so a test run
 * leaves the work tree clean; docs/screenshots/ (the README's pictures) with
 * UPDATE_SCREENSHOTS=1. Ends with a slash.
 */
export const screenshotDir = new URL(
  // The PostgreSQL pass runs beside the SQLite pass and never writes the README's pictures.
  isPostgresPass()
    ? "../../tmp/screenshots-postgres/"
    : process.env.UPDATE_SCREENSHOTS === "1"
      ? "../../docs/screenshots/"
      : "../../tmp/screenshots/",
  import.meta.url,
).pathname;
mkdirSync(screenshotDir, { recursive: true });

/**
 * The page shows no raw message id of these namespaces (a missing translation renders as
 * `Namespace.key`) and no next-intl error marker.
 */
export async function assertTranslated(page: Page, label: string, namespaces: readonly string[]): Promise<void> {
  const rawId = new RegExp(`\\b(${namespaces.join("|")})\\.[A-Za-z]`);
  assert.doesNotMatch(await page.locator("body").innerText(), rawId, `${label}: raw message id on the page`);
  assert.doesNotMatch(
    await page.content(),
    /MISSING_MESSAGE|INVALID_MESSAGE|FORMATTING_ERROR/,
    `${label}: next-intl error marker`,
  );
}
