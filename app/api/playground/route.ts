import { playgroundRequestSchema } from "@/lib/playground/chat-request";
import { encodePlaygroundError, type PlaygroundErrorCode } from "@/lib/playground/playground-error";
import { streamPlaygroundChat } from "@/lib/playground/stream-chat";
import { auth } from "@/app/_framework/auth";
import { hasRole } from "@/lib/roles";
import { getServerState } from "@/lib/server/state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function refuse(status: number, code: PlaygroundErrorCode): Response {
  return new Response(encodePlaygroundError(code), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

/** The body as JSON, or null when it is too large or not JSON. */
async function readJson(request: Request, maxBytes: number): Promise<{ value: unknown } | "too_large" | null> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) return "too_large";
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) return "too_large";
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return null;
  }
}

/**
 * POST /api/playground: one chat turn of the dashboard playground, streamed as a UI message
 * stream. Route handlers are public URLs, so the admin session is checked here. Requiring a
 * JSON content type makes a cross-site form post impossible without a CORS preflight.
 */
export async function POST(request: Request): Promise<Response> {
  const session = await auth();
  if (!session || session.mustChangePassword) return refuse(401, "unauthorized");
  // A chat spends the providers' money: a write, not for viewers.
  if (!hasRole(session.role, "admin")) return refuse(403, "forbidden");
  if (!request.headers.get("content-type")?.toLowerCase().startsWith("application/json"))
    return refuse(400, "invalid_request");

  const { runtime: gateway } = await getServerState();
  const body = await readJson(request, gateway.maxBodyBytes);
  if (body === "too_large") return refuse(413, "request_too_large");
  const parsed = body ? playgroundRequestSchema.safeParse(body.value) : null;
  if (!parsed?.success) return refuse(400, "invalid_request");
  if (!gateway.getSnapshot().groupsByName.has(parsed.data.group)) return refuse(404, "group_not_found");

  return streamPlaygroundChat({
    runtime: gateway,
    group: parsed.data.group,
    messages: parsed.data.messages,
    signal: request.signal,
  });
}
