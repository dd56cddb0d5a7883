import type { IncomingMessage, ServerResponse } from "node:http";
import { handleChatCompletions } from "../lib/gateway/chat-completions";
import { toErrorResponse, GatewayError } from "../lib/gateway/errors";
import { handleCompletions } from "../lib/gateway/completions";
import { handleImageEdits, handleTranscriptions, handleTranslations } from "../lib/gateway/file-apis";
import { handleSpeech } from "../lib/gateway/speech";
import { handleEmbeddings, handleImageGenerations, handleModerations, handleRerank } from "../lib/gateway/json-apis";
import { handleCountTokens, handleMessages } from "../lib/gateway/messages";
import { handleListModels, handleRetrieveModel } from "../lib/gateway/models";
import { handleResponses } from "../lib/gateway/responses";
import { handleStoredResponse } from "../lib/gateway/stored-responses";
import { createRequestId } from "../lib/gateway/request-id";
import type { GatewayRuntime } from "../lib/gateway/types";
import { handleMethodNotAllowed, handleUnknownRoute } from "../lib/gateway/unknown-route";
import responseHeaders from "../lib/http/response-headers.json";
import { sendWebResponse, toWebRequest } from "./http-bridge";

type Handler = (request: Request, runtime: GatewayRuntime) => Response | Promise<Response>;

/** The methods app/v1 answers itself (HEAD and OPTIONS are Next's own): others go on to Next.js. */
const API_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/** POST-only APIs, one path each. */
const POST_APIS: Readonly<Record<string, Handler>> = {
  "/v1/embeddings": handleEmbeddings,
  "/v1/moderations": handleModerations,
  "/v1/rerank": handleRerank,
  "/v1/images/generations": handleImageGenerations,
  "/v1/images/edits": handleImageEdits,
  "/v1/audio/transcriptions": handleTranscriptions,
  "/v1/audio/translations": handleTranslations,
  "/v1/audio/speech": handleSpeech,
  "/v1/responses": handleResponses,
  "/v1/completions": handleCompletions,
};

const onlyPost: Handler = (request) => handleMethodNotAllowed(request, "POST");
const onlyGet: Handler = (request) => handleMethodNotAllowed(request, "GET");

/**
 * Which handler serves a /v1 request, the same one the app/v1 route handler calls; null
 * leaves the request to Next.js (HEAD, OPTIONS, a trailing slash Next redirects, a path
 * segment that is not valid percent-encoding).
 */
export function routeApiRequest(method: string, url: string): Handler | null {
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (!path.startsWith("/v1/") || path.endsWith("/") || path.includes("//") || !API_METHODS.has(method)) return null;
  if (path === "/v1/chat/completions") return method === "POST" ? handleChatCompletions : onlyPost;
  if (path === "/v1/messages") return method === "POST" ? handleMessages : onlyPost;
  if (path === "/v1/messages/count_tokens") return method === "POST" ? handleCountTokens : onlyPost;
  const postApi = POST_APIS[path];
  if (postApi !== undefined) return method === "POST" ? postApi : onlyPost;
  if (path.startsWith("/v1/responses/")) {
    const rest = decodeSegments(path.slice("/v1/responses/".length));
    return rest === null ? null : (request, runtime) => handleStoredResponse(request, runtime, rest);
  }
  if (path === "/v1/models") return method === "GET" ? handleListModels : onlyGet;
  if (path.startsWith("/v1/models/")) {
    if (method !== "GET") return onlyGet;
    const model = decodeSegments(path.slice("/v1/models/".length));
    return model === null ? null : (request, runtime) => handleRetrieveModel(request, runtime, model);
  }
  return handleUnknownRoute;
}

/** The catch-all's view of a path: each segment decoded, joined by "/". */
function decodeSegments(rest: string): string | null {
  try {
    return rest.split("/").map(decodeURIComponent).join("/");
  } catch {
    return null;
  }
}

/** Serves one /v1 request with its handler, over node:http, without Next's request pipeline. */
export async function serveApiRequest(
  req: IncomingMessage,
  res: ServerResponse,
  handler: Handler,
  runtime: GatewayRuntime,
): Promise<void> {
  let response: Response;
  try {
    response = await handler(toWebRequest(req, res), runtime);
  } catch {
    // Handlers answer their own failures; this is the last guard, without details.
    response = toErrorResponse(new GatewayError("internal_error"), createRequestId());
  }
  await sendWebResponse(res, response, responseHeaders);
}
