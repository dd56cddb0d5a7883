import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Whether `Authorization: Bearer <token>` carries the expected token. Both sides are hashed
 * first so the comparison takes the same time whatever the length or content of the guess.
 */
export function hasBearerToken(authorization: string | null, expected: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  const given = match?.[1] ?? "";
  return timingSafeEqual(digest(given), digest(expected)) && given !== "";
}
