import { handleStoredResponse } from "@/lib/gateway/stored-responses";
import { getServerState } from "@/lib/server/state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET and DELETE /v1/responses/{id}, GET …/input_items, POST …/cancel.
async function handle(request: Request, context: { params: Promise<{ rest: string[] }> }): Promise<Response> {
  const [{ runtime: gateway }, { rest }] = await Promise.all([getServerState(), context.params]);
  return handleStoredResponse(request, gateway, rest.join("/"));
}

export { handle as GET, handle as POST, handle as DELETE, handle as PUT, handle as PATCH };
