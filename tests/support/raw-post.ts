// A raw POST on its own connection, written piece by piece: uploads that outgrow a body limit.
import { request as httpRequest } from "node:http";
import type { Captured } from "./seed";

/** A raw POST on its own connection; a body the server refuses early may meet a closed socket. */
export function rawPost(
  url: string,
  headers: Record<string, string>,
  write: (send: (chunk: Buffer) => boolean) => Promise<void>,
): Promise<Captured & { wasAnsweredEarly: boolean }> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let isBodyDone = false;
    const request = httpRequest(url, { method: "POST", agent: false, headers });
    // A refused upload may hit a closed socket just before the answer is parsed; give it a moment.
    request.on("error", (error) => setTimeout(() => reject(error), 1_000));
    request.on("response", (response) => {
      const wasAnsweredEarly = !isBodyDone;
      const pieces: Buffer[] = [];
      response.on("data", (piece: Buffer) => pieces.push(piece));
      response.on("end", () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers))
          if (typeof value === "string") headers[name] = value;
        request.destroy();
        resolve({
          status: response.statusCode ?? 0,
          headers,
          body: Buffer.concat(pieces).toString("utf8"),
          requestId: headers["x-request-id"] ?? null,
          elapsedMs: performance.now() - startedAt,
          wasAnsweredEarly,
        });
      });
    });
    const send = (chunk: Buffer): boolean => {
      if (request.destroyed) return false;
      request.write(chunk);
      return true;
    };
    write(send)
      .then(() => {
        isBodyDone = true;
        if (!request.destroyed) request.end();
      })
      .catch(reject);
  });
}
