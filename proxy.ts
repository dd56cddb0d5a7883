import createMiddleware from "next-intl/middleware";
import type { NextRequest } from "next/server";
import { buildContentSecurityPolicy, createNonce } from "./lib/http/content-security-policy";
import { routing } from "./app/_framework/i18n/routing";

const handleLocale = createMiddleware(routing);

// Locale routing and the dashboard's per-response CSP nonce. Authentication is checked by
// every page, action and route itself: this file never decides who may see what.
export default function proxy(request: NextRequest) {
  const policy = buildContentSecurityPolicy(createNonce(), process.env.NODE_ENV === "development");
  // next-intl forwards the request headers to the page, where Next.js reads the nonce.
  request.headers.set("content-security-policy", policy);
  const response = handleLocale(request);
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Leave the API, auth, metrics, Next's assets and any file with an extension alone.
  matcher: ["/((?!v1|api|metrics|_next|_vercel|.*\\..*).*)"],
};
