import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { afterPendingIo } from "../after-pending-io";
import type { UpstreamResponse, UpstreamSend } from "../gateway/types";
import { checkOutboundUrl } from "./address-policy";
import { createCheckedLookup, verifyConnectedAddress } from "./checked-lookup";
import { fetchJson, type GetJsonOptions, type JsonResponse } from "./get-json";
import { OutboundError, toOutboundError } from "./outbound-error";
import { wrapIncomingResponse } from "./response-body";

export { OutboundError, isOutboundError } from "./outbound-error";
export type { OutboundErrorCode } from "./outbound-error";
export type { GetJsonOptions, JsonResponse } from "./get-json";

export interface OutboundClientOptions {
  /**
   * Concurrent sockets per origin; unlimited by default. LLM streams hold one each for
   * minutes and many providers share one origin, so a cap would make clients wait for
   * other clients' streams (and fail over on the first-token timeout) instead of reaching
   * the provider, whose own limits answer with 429. Client connections bound the count.
   */
  maxSocketsPerOrigin?: number;
  maxFreeSockets?: number;
  /** Idle keep-alive sockets are closed after this; below typical 60 s server idle limits. */
  freeSocketTimeoutMs?: number;
  /** DNS resolver; tests swap it to point names at chosen addresses. */
  lookup?: LookupFunction;
}

export interface OutboundClient {
  send: UpstreamSend;
  getJson(url: string, options?: GetJsonOptions): Promise<JsonResponse>;
  /** Closes idle sockets (shutdown, tests). */
  destroy(): void;
}

/**
 * The one outbound HTTP client: keep-alive `node:http` agents (global fetch costs far more
 * CPU per request), a connect timeout, an abort signal that destroys the socket at once,
 * and the metadata-address policy checked on the URL, after DNS and on the connected socket.
 */
export function createOutboundClient(options: OutboundClientOptions = {}): OutboundClient {
  const agentOptions: http.AgentOptions = {
    keepAlive: true,
    maxSockets: options.maxSocketsPerOrigin ?? Number.POSITIVE_INFINITY,
    maxFreeSockets: options.maxFreeSockets ?? 64,
    timeout: options.freeSocketTimeoutMs ?? 30_000,
    scheduling: "lifo",
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const lookup = createCheckedLookup(options.lookup);

  const send: UpstreamSend = (request) =>
    new Promise<UpstreamResponse>((resolve, reject) => {
      let url: URL;
      try {
        url = checkOutboundUrl(request.url);
      } catch (error) {
        reject(error);
        return;
      }
      const { signal } = request;
      if (signal.aborted) {
        reject(new OutboundError("aborted"));
        return;
      }
      const isHttps = url.protocol === "https:";
      const req = (isHttps ? https : http).request(url, {
        method: request.method,
        headers: request.headers,
        agent: isHttps ? httpsAgent : httpAgent,
        lookup,
      });
      let response: http.IncomingMessage | null = null;
      let isSettled = false;

      const onAbort = (): void => {
        const error = new OutboundError("aborted");
        response?.destroy(error);
        req.destroy(error);
      };
      const release = (): void => signal.removeEventListener("abort", onAbort);
      // Timed from the moment a new socket starts connecting: a request waiting in the pool's
      // queue for a free socket waits on our own limit, not on the provider, and must not fail
      // as its connect timeout (the attempt's first-token timeout still bounds that wait).
      let connectTimer: NodeJS.Timeout | undefined;

      signal.addEventListener("abort", onAbort, { once: true });
      req.once("socket", (socket) => {
        // The address is checked as soon as TCP connects, before a TLS hello is sent.
        const onTcpConnected = (): void => {
          const blocked = verifyConnectedAddress(socket.remoteAddress);
          if (blocked) req.destroy(blocked);
          else if (!isHttps) clearTimeout(connectTimer);
        };
        if (!socket.connecting) {
          onTcpConnected();
          return;
        }
        let isConnected = false;
        // A busy gateway must not blame a provider that connected in time (see afterPendingIo).
        connectTimer = setTimeout(() => {
          afterPendingIo(() => {
            if (!isConnected) req.destroy(new OutboundError("connect_timeout"));
          });
        }, request.connectTimeoutMs);
        connectTimer.unref();
        socket.once("connect", () => {
          if (!isHttps) isConnected = true;
          onTcpConnected();
        });
        if (isHttps) {
          socket.once("secureConnect", () => {
            isConnected = true;
            clearTimeout(connectTimer);
          });
        }
      });
      // Stays attached after the response: a late socket error must never become an uncaught 'error'.
      req.on("error", (error) => {
        clearTimeout(connectTimer);
        if (isSettled) return;
        isSettled = true;
        release();
        reject(toOutboundError(error));
      });
      req.once("response", (res) => {
        clearTimeout(connectTimer);
        if (isSettled) {
          res.destroy();
          return;
        }
        isSettled = true;
        response = res;
        resolve(wrapIncomingResponse(res, release));
      });
      if (request.body !== undefined) req.setHeader("content-length", Buffer.byteLength(request.body));
      req.end(request.body);
    });

  return {
    send,
    getJson: (url, getOptions = {}) => fetchJson(send, url, getOptions),
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
