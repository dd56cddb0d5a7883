import { getRequestConfig } from "next-intl/server";
import { getServerState } from "../../../lib/server/state";
import { isLocale, routing } from "./routing";

export default getRequestConfig(async ({ requestLocale }) => {
  const requested = await requestLocale;
  const locale = requested && isLocale(requested) ? requested : routing.defaultLocale;
  const messages = (await import(`../../../messages/${locale}.json`)).default;
  // Dates on every page follow the operator's time zone setting (empty = the server's).
  const { runtime } = await getServerState();
  const timeZone = runtime.getSnapshot().settings.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  return { locale, messages, timeZone };
});
