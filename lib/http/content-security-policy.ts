/**
 * The dashboard's Content-Security-Policy. Scripts run only with this response's nonce
 * (Next.js reads it from the request's CSP header and puts it on its own scripts);
 * 'strict-dynamic' lets those load the chunks they import. Styles stay 'unsafe-inline'
 * because the charts set style attributes, which nonces cannot cover; a style cannot run code.
 * `unsafe-eval` only in development, where React needs it for its debugging tools.
 */
export function buildContentSecurityPolicy(nonce: string, isDevelopment: boolean): string {
  const scripts = ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(isDevelopment ? ["'unsafe-eval'"] : [])];
  return [
    "default-src 'self'",
    `script-src ${scripts.join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
