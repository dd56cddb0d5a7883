import { canUseGroup, authenticateRequest } from "./authenticate";
import { toErrorResponse, toGatewayError } from "./errors";
import { createRequestId } from "./request-id";
import type { ApiKeyConfig, ConfigSnapshot, GatewayRuntime } from "./types";

/**
 * Groups carry no creation time in the snapshot, and a value that changed on every call
 * would make clients think the list changed; so every model reports this fixed instant.
 */
const MODEL_CREATED_AT = 1_704_067_200;

export interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: "gateway";
}

/** Exactly the groups this key may call, sorted by name. */
export function listModelsForKey(snapshot: ConfigSnapshot, key: ApiKeyConfig): ModelEntry[] {
  const names: string[] = [];
  for (const group of snapshot.groupsByName.values()) {
    if (canUseGroup(key, group)) names.push(group.name);
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((id) => ({ id, object: "model", created: MODEL_CREATED_AT, owned_by: "gateway" }));
}

/** GET /v1/models in OpenAI's list format. */
export async function handleListModels(request: Request, runtime: GatewayRuntime): Promise<Response> {
  const requestId = createRequestId();
  try {
    const snapshot = runtime.getSnapshot();
    const key = authenticateRequest(request, runtime, snapshot);
    const body = JSON.stringify({ object: "list", data: listModelsForKey(snapshot, key) });
    return new Response(body, {
      status: 200,
      headers: { "content-type": "application/json", "x-request-id": requestId },
    });
  } catch (error) {
    return toErrorResponse(toGatewayError(error), requestId);
  }
}
