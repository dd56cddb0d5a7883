import { handleListModels } from "@/lib/gateway/models";
import { getServerState } from "@/lib/server/state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const { runtime: gateway } = await getServerState();
  return handleListModels(request, gateway);
}
