import { handleTranslations } from "@/lib/gateway/file-apis";
import { handleMethodNotAllowed } from "@/lib/gateway/unknown-route";
import { getServerState } from "@/lib/server/state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const { runtime: gateway } = await getServerState();
  return handleTranslations(request, gateway);
}

export const GET = (request: Request) => handleMethodNotAllowed(request, "POST");
export { GET as PUT, GET as PATCH, GET as DELETE };
