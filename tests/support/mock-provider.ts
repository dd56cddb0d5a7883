/**
 * A scriptable mock of an OpenAI-compatible upstream, listening on 127.0.0.1.
 *
 * Every API, reliability, browser and benchmark test points providers at it. Scripting is per
 * upstream model id (the `model` field of the request body):
 *
 *   const mock = await startMockProvider();              // mock.url = "http://127.0.0.1:PORT/v1"
 *   mock.setBehavior("up-a", { status: 503 });           // default answer for "up-a"
 *   mock.queue("up-b", { resetAfterChunks: 2 }, {});     // next two calls to "up-b", then its default
 *   mock.setBehavior("*", { chunkDelayMs: [5, 20] });    // default for models without their own
 *   mock.setModels(500);                                 // GET /v1/models (same as setBehavior(MODELS_LIST, …))
 *   mock.reset();                                        // forget behaviours, queues and calls
 *
 * Lookup order: queue(model) → setBehavior(model) → queue("*") → setBehavior("*") → "ok"
 * (content "Hello from <model>", streamed word by word when the request asks for a stream).
 * An empty behaviour `{}` is that "ok" answer. Typical faults:
 *   { status: 429, headers: { "retry-after": "2" } }     error status with an OpenAI error body
 *   { delayBeforeHeadersMs: 5_000 } / { hang: true }     slow headers / no answer at all
 *   { resetAfterChunks: 0 }                              connection reset before any header
 *   { chunks: ["a", "b", "c"], resetAfterChunks: 2 }     connection dropped mid-stream
 *   { stallAfterChunks: 1 }                              stream (or, non-stream, body) stops, socket held
 *   { inBandErrorAfterChunks: 1, error: { message } }    `data: {"error":…}` after content, no [DONE]
 *   { body: "" } / { html: "<html>" } / { body: { error: {…} } }   empty, HTML, 200-with-error answers
 *   { framing: "crlf" | "cr" | "comments" | "fields" | "compact" | "split" }, { rawSse: "…" }
 * A behaviour is plain JSON (see MockBehavior), so the standalone server takes the same shapes
 * through its control routes: `PUT /__mock/behavior/<model>`, `POST /__mock/queue/<model>` (one
 * behaviour or an array), `POST /__mock/reset`, `GET /__mock/stats`, `GET /__mock/calls`.
 *
 * Streams look exactly like OpenAI's: a role-only chunk, one chunk per content piece, a
 * finish_reason chunk, a usage chunk (`choices: []`) when the request set
 * `stream_options.include_usage`, then `data: [DONE]`. "After N chunks" counts content pieces
 * (reasoning, content, refusal or tool-call deltas), never the role chunk.
 *
 * Recording: `mock.calls` holds every request (headers lower-cased, raw and parsed body, model,
 * the exact bytes written, and `aborted`/`closedAt` when the client went away first). Times are
 * epoch milliseconds with sub-millisecond precision, comparable with `Date.now()`.
 *
 * Standalone: `node --import tsx tests/support/mock-provider.ts --port 0 [--behavior JSON]
 * [--max-recorded-calls N]` prints `{"port":N}` on stdout, applies `--behavior` to every model,
 * and stops on SIGTERM/SIGINT or when its parent process goes away.
 */
import { pathToFileURL } from "node:url";
import { isRecord, parseJson } from "./mock-provider/answers";
import { startMockProvider } from "./mock-provider/server";
import { ANY_MODEL, type MockBehavior } from "./mock-provider/types";

// The pieces live in ./mock-provider/: types (behaviours, recorded calls), answers (JSON
// bodies), sse-plan (stream events, framing, cut-in points), exchange (one response),
// server (routing, scripting, control routes).
export { startMockProvider } from "./mock-provider/server";
export {
  ANY_MODEL,
  MODELS_LIST,
  MockCall,
  type JsonValue,
  type MockBehavior,
  type MockErrorObject,
  type MockProvider,
  type MockProviderOptions,
  type MockProviderStats,
  type MockToolCall,
  type MockUsage,
  type SseFraming,
  type SseFramingOptions,
  type SseLineEnding,
} from "./mock-provider/types";

function readFlag(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  if (index !== -1) return argv[index + 1];
  const inline = argv.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function runStandalone(argv: readonly string[]): Promise<void> {
  const behaviorFlag = readFlag(argv, "--behavior");
  const behavior = parseJson(behaviorFlag ?? "");
  if (behaviorFlag !== undefined && !isRecord(behavior))
    throw new Error(`--behavior is not a JSON object: ${behaviorFlag}`);
  const mock = await startMockProvider({
    port: Number(readFlag(argv, "--port") ?? 0),
    maxRecordedCalls: Number(readFlag(argv, "--max-recorded-calls") ?? 10_000),
  });
  if (isRecord(behavior)) mock.setBehavior(ANY_MODEL, behavior as MockBehavior);
  process.stdout.write(`${JSON.stringify({ port: mock.port })}\n`);
  const stop = (): void => {
    void mock.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // An orphaned mock would hold its port forever: leave with the process that started it.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1_000).unref();
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  runStandalone(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
