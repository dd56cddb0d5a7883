import { handleListModels } from "@/lib/gateway/models";
import { handleMethodNotAllowed } from "@/lib/gateway/unknown-route";
import { getServerState } from "@/lib/server/state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const { runtime: gateway } = await getServerState();
  return handleListModels(request, gateway);
}

export const POST = (request: Request) => handleMethodNotAllowed(request, "GET");
export { POST as PUT, POST as PATCH, POST as DELETE };
