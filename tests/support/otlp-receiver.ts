// An OTLP/HTTP trace receiver for tests: collects what exporters POST to /v1/traces (JSON).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 2 = SERVER, 3 = CLIENT. */
  kind: number;
  attributes: Record<string, string | number | boolean | string[]>;
  status: { code?: number; message?: string };
  resource: Record<string, string | number | boolean | string[]>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}

interface KeyValue {
  key: string;
  value: AnyValue;
}

function valueOf(value: AnyValue): string | number | boolean | string[] {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return (value.arrayValue?.values ?? []).map((item) => String(valueOf(item)));
}

function attributesOf(list: KeyValue[] | undefined): ReceivedSpan["attributes"] {
  return Object.fromEntries((list ?? []).map((entry) => [entry.key, valueOf(entry.value)]));
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  contentTypes: string[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  add(body: unknown): void {
    const resourceSpans = (body as { resourceSpans?: unknown[] }).resourceSpans ?? [];
    for (const entry of resourceSpans as {
      resource?: { attributes?: KeyValue[] };
      scopeSpans?: { spans?: Record<string, unknown>[] }[];
    }[]) {
      const resource = attributesOf(entry.resource?.attributes);
      for (const scope of entry.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            traceId: String(span.traceId),
            spanId: String(span.spanId),
            parentSpanId: String(span.parentSpanId ?? ""),
            name: String(span.name),
            kind: Number(span.kind),
            attributes: attributesOf(span.attributes as KeyValue[] | undefined),
            status: (span.status as ReceivedSpan["status"]) ?? {},
            resource,
          });
        }
      }
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until `find` returns something from the spans received so far. */
  async waitFor<T>(
    find: (spans: readonly ReceivedSpan[]) => T | undefined,
    what: string,
    timeoutMs = 10_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find(this.spans);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${what} within ${timeoutMs} ms; received: ${this.spans.map((s) => s.name).join(", ")}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  let receiver: OtlpReceiver | null = null;
  const server = createServer((request, response) => {
    const pieces: Buffer[] = [];
    request.on("data", (piece: Buffer) => pieces.push(piece));
    request.on("end", () => {
      const ok = request.method === "POST" && request.url === "/v1/traces";
      if (ok) {
        receiver?.contentTypes.push(String(request.headers["content-type"]));
        try {
          receiver?.add(JSON.parse(Buffer.concat(pieces).toString("utf8")));
        } catch {
          response.writeHead(400).end();
          return;
        }
      }
      response.writeHead(ok ? 200 : 404, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  receiver = new OtlpReceiver(server, `http://127.0.0.1:${port}`);
  return receiver;
}
