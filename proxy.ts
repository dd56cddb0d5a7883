import createMiddleware from "next-intl/middleware";
import { routing } from "./lib/i18n/routing";

// Locale routing only. Authentication is checked by every page, action and route itself:
// this file never decides who may see what.
export default createMiddleware(routing);

export const config = {
  // Leave the API, auth, metrics, Next's assets and any file with an extension alone.
  matcher: ["/((?!v1|api|metrics|_next|_vercel|.*\\..*).*)"],
};
