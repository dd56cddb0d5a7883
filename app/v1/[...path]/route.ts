import { createRequestId } from "@/lib/gateway/request-id";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Unknown API paths answer in OpenAI's error shape instead of an HTML page.
function unknownUrl(request: Request): Response {
  const { pathname } = new URL(request.url);
  const body = {
    error: {
      message: `Unknown request URL: ${request.method} ${pathname.slice(0, 200)}. This gateway serves /v1/chat/completions and /v1/models.`,
      type: "invalid_request_error",
      param: null,
      code: "unknown_url",
    },
  };
  return Response.json(body, { status: 404, headers: { "x-request-id": createRequestId() } });
}

export const GET = unknownUrl;
export const POST = unknownUrl;
export const PUT = unknownUrl;
export const PATCH = unknownUrl;
export const DELETE = unknownUrl;
