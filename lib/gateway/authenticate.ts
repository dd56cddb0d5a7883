import { hashApiKey } from "../../db/crypto";
import { GatewayError, modelNotFound } from "./errors";
import type { ApiKeyConfig, ConfigSnapshot, GatewayRuntime, GroupAccess, GroupConfig } from "./types";

// Real keys are 51 characters; anything far longer is refused before it is hashed.
const MAX_KEY_LENGTH = 256;

/** One error for every key failure, so a caller learns nothing about which check failed. */
function invalidApiKey(): GatewayError {
  return new GatewayError("invalid_api_key");
}

/** The token of an `Authorization: Bearer <token>` header, or null when absent or malformed. */
export function readBearerToken(header: string | null): string | null {
  if (header === null || header.length < 8) return null;
  if (header.slice(0, 7).toLowerCase() !== "bearer ") return null;
  const token = header.slice(7).trim();
  if (token.length === 0 || token.length > MAX_KEY_LENGTH || token.includes(" ")) return null;
  return token;
}

/** An `x-api-key` header's value (how Anthropic's clients send a key), or null. */
function readApiKeyHeader(header: string | null): string | null {
  const token = header?.trim() ?? "";
  if (token.length === 0 || token.length > MAX_KEY_LENGTH || token.includes(" ")) return null;
  return token;
}

/**
 * The gateway key of a request: `Authorization: Bearer <key>` (OpenAI's clients), else
 * `x-api-key: <key>` (Anthropic's clients, Claude Code). Bearer wins when both are sent.
 */
export function readGatewayKey(headers: Headers): string | null {
  return readBearerToken(headers.get("authorization")) ?? readApiKeyHeader(headers.get("x-api-key"));
}

/** Finds the calling key by hash and refuses disabled or expired ones; records the use. */
export function authenticateRequest(request: Request, runtime: GatewayRuntime, snapshot: ConfigSnapshot): ApiKeyConfig {
  const token = readGatewayKey(request.headers);
  if (token === null) throw invalidApiKey();
  const key = snapshot.keysByHash.get(hashApiKey(token));
  const now = runtime.now();
  if (!key || !key.isEnabled || (key.expiresAt !== null && key.expiresAt <= now)) throw invalidApiKey();
  runtime.keyUsage.touch(key.id, now);
  return key;
}

export function canUseGroup(access: GroupAccess, group: GroupConfig): boolean {
  return access.allGroups || access.groupIds.has(group.id);
}

/** The group named by `model`, if this caller may call it; otherwise the same 404 as an unknown name. */
export function resolveGroup(snapshot: ConfigSnapshot, access: GroupAccess, model: string): GroupConfig {
  const group = snapshot.groupsByName.get(model);
  if (!group || !canUseGroup(access, group)) throw modelNotFound(model);
  return group;
}
