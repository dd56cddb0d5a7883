import { handleChatCompletions } from "@/lib/gateway/chat-completions";
import { getServerState } from "@/lib/server/state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const { runtime: gateway } = await getServerState();
  return handleChatCompletions(request, gateway);
}
