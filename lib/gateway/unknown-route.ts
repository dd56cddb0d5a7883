import { GatewayError, toErrorResponse } from "./errors";
import { createRequestId } from "./request-id";

/** What `/v1` serves, named in the 404 of every other path. */
export const SERVED_ROUTES = [
  "POST /v1/chat/completions",
  "POST /v1/responses",
  "POST /v1/completions",
  "POST /v1/messages",
  "POST /v1/messages/count_tokens",
  "POST /v1/embeddings",
  "POST /v1/moderations",
  "POST /v1/rerank",
  "POST /v1/images/generations",
  "POST /v1/images/edits",
  "POST /v1/audio/transcriptions",
  "POST /v1/audio/translations",
  "POST /v1/audio/speech",
  "GET|DELETE /v1/responses/{id}",
  "GET /v1/models",
  "GET /v1/models/{model}",
] as const;

/**
 * Any other `/v1` path: a 404 that says the route is not served (code `route_not_found`), so
 * clients do not report it as a missing model. The path is cut short and never echoed whole.
 */
export function handleUnknownRoute(request: Request): Response {
  const { pathname } = new URL(request.url);
  const route = `${request.method} ${pathname.slice(0, 200)}`;
  const message = `Unknown API route: ${route}. This gateway serves ${SERVED_ROUTES.join(", ")}.`;
  return toErrorResponse(new GatewayError("route_not_found", message), createRequestId());
}

/**
 * A served path asked with another method (`GET /v1/chat/completions`): 405 in OpenAI's error
 * shape with `Allow`, instead of an empty body.
 */
export function handleMethodNotAllowed(request: Request, allowed: string): Response {
  const { pathname } = new URL(request.url);
  const message = `${request.method} is not served on ${pathname.slice(0, 200)}; use ${allowed}.`;
  const response = toErrorResponse(new GatewayError("method_not_allowed", message), createRequestId());
  response.headers.set("allow", allowed);
  return response;
}
