import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import type { ReactNode } from "react";

/** What the client components of every page use: buttons, errors, navigation, the language switcher. */
const SHARED_NAMESPACES = ["Common", "Errors", "Nav", "LocaleSwitcher"];

/**
 * Hands the client components below it only the translations they use (the shared ones plus
 * `namespaces`), instead of every string of the app in each page's payload. A nested
 * provider replaces its parent's messages, so the shared namespaces always come along.
 */
export async function ClientMessages({
  namespaces = [],
  children,
}: {
  namespaces?: readonly string[];
  children: ReactNode;
}) {
  const messages = await getMessages();
  const picked = Object.fromEntries(
    [...SHARED_NAMESPACES, ...namespaces].filter((name) => name in messages).map((name) => [name, messages[name]]),
  );
  return <NextIntlClientProvider messages={picked}>{children}</NextIntlClientProvider>;
}
