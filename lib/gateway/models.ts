import { canUseGroup, authenticateRequest } from "./authenticate";
import { modelNotFound, toErrorResponse, toGatewayError } from "./errors";
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

function modelEntry(id: string): ModelEntry {
  return { id, object: "model", created: MODEL_CREATED_AT, owned_by: "gateway" };
}

/** Exactly the groups this key may call, sorted by name. */
export function listModelsForKey(snapshot: ConfigSnapshot, key: ApiKeyConfig): ModelEntry[] {
  const names: string[] = [];
  for (const group of snapshot.groupsByName.values()) {
    if (canUseGroup(key, group)) names.push(group.name);
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map(modelEntry);
}

/** One key-checked JSON answer; every failure in OpenAI's error shape. */
function answerForKey(
  request: Request,
  runtime: GatewayRuntime,
  build: (snapshot: ConfigSnapshot, key: ApiKeyConfig) => unknown,
): Response {
  const requestId = createRequestId();
  try {
    const snapshot = runtime.getSnapshot();
    const key = authenticateRequest(request, runtime, snapshot);
    return new Response(JSON.stringify(build(snapshot, key)), {
      status: 200,
      headers: { "content-type": "application/json", "x-request-id": requestId },
    });
  } catch (error) {
    return toErrorResponse(toGatewayError(error), requestId);
  }
}

/** GET /v1/models in OpenAI's list format. */
export async function handleListModels(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return answerForKey(request, runtime, (snapshot, key) => ({ object: "list", data: listModelsForKey(snapshot, key) }));
}

/**
 * GET /v1/models/{model}: the group as a model object, when this key may call it; an
 * unknown name and a group the key may not call get the same 404.
 */
export async function handleRetrieveModel(request: Request, runtime: GatewayRuntime, model: string): Promise<Response> {
  return answerForKey(request, runtime, (snapshot, key) => {
    const group = snapshot.groupsByName.get(model);
    if (!group || !canUseGroup(key, group)) throw modelNotFound(model);
    return modelEntry(group.name);
  });
}
