import { handleRetrieveModel } from "@/lib/gateway/models";
import { handleMethodNotAllowed } from "@/lib/gateway/unknown-route";
import { getServerState } from "@/lib/server/state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// A catch-all, so group names with a slash (`openai/gpt-4o`) resolve sent raw or encoded.
export async function GET(request: Request, context: { params: Promise<{ model: string[] }> }): Promise<Response> {
  const [{ runtime: gateway }, { model }] = await Promise.all([getServerState(), context.params]);
  return handleRetrieveModel(request, gateway, model.join("/"));
}

export const POST = (request: Request) => handleMethodNotAllowed(request, "GET");
export { POST as PUT, POST as PATCH, POST as DELETE };
