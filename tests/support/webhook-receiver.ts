// A webhook receiver for alert tests: records every POST with its path, headers and raw body.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  at: number;
}

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** The status the next requests get; 200 by default. */
  status = 200;

  constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Webhooks on `path` (e.g. "/generic") whose body matches. */
  matching(path: string, match: (body: Record<string, unknown>) => boolean = () => true): ReceivedWebhook[] {
    return this.received.filter((hook) => hook.path === path && match(hook.body));
  }

  async waitFor(
    path: string,
    match: (body: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs = 8_000,
  ): Promise<ReceivedWebhook> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.matching(path, match)[0];
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no webhook for ${what} on ${path}; got ${JSON.stringify(this.received.map((hook) => [hook.path, hook.body]))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let receiver: WebhookReceiver | null = null;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // Kept raw; the test will say what arrived.
      }
      receiver!.received.push({ path: request.url ?? "/", headers: request.headers, raw, body, at: Date.now() });
      response.writeHead(receiver!.status, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}`);
  return receiver;
}
