import { randomUUID } from "node:crypto";

/** `req_` and 32 hex characters; randomUUID draws from a cached entropy pool, so it is cheap. */
export function createRequestId(): string {
  return `req_${randomUUID().replaceAll("-", "")}`;
}
