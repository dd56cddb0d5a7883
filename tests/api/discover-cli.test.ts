import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { closedPort, startLocalServer, type RunningServer } from "../support/local-servers";
import { runCli } from "../support/cli-runner";

const cli = runCli;

describe("npm run cli -- discover", () => {
  let ollama: RunningServer;
  let vllm: RunningServer;
  let html: RunningServer;
  let closed = 0;

  before(async () => {
    ollama = await startLocalServer("ollama");
    vllm = await startLocalServer("vllm");
    html = await startLocalServer("html");
    closed = await closedPort();
  });
  after(async () => {
    await Promise.all([ollama.close(), vllm.close(), html.close()]);
  });

  // --host points the usual ports at a closed address, so only the added URLs can answer.
  const urls = () => ["--host", "127.0.0.2", "--url", ollama.url, "--url", `${vllm.url}/v1`, "--url", html.url];

  it("prints a table of the finds and how to import them", async () => {
    const run = await cli(["discover", ...urls(), "--url", `http://127.0.0.1:${closed}`]);
    assert.equal(run.stderr, "");
    assert.equal(run.code, 0);
    const lines = run.stdout.split("\n");
    assert.match(lines[0] ?? "", /^KIND\s+BASE URL\s+MODELS\s+FIRST MODELS$/);
    assert.match(
      lines[1] ?? "",
      new RegExp(`^ollama\\s+${ollama.url}/v1\\s+2\\s+llama3\\.2:latest, qwen2\\.5-coder:7b$`),
    );
    assert.match(lines[2] ?? "", new RegExp(`^vllm\\s+${vllm.url}/v1\\s+1\\s+Qwen/Qwen2\\.5-7B-Instruct$`));
    assert.equal(lines.length, 6);
    assert.match(run.stdout, /Import models page/);
  });

  it("prints JSON with --json", async () => {
    const run = await cli(["discover", ...urls(), "--json"]);
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout), [
      { kind: "ollama", baseUrl: `${ollama.url}/v1`, models: ["llama3.2:latest", "qwen2.5-coder:7b"] },
      { kind: "vllm", baseUrl: `${vllm.url}/v1`, models: ["Qwen/Qwen2.5-7B-Instruct"] },
    ]);
  });

  it("says so when nothing answers, and refuses a bad timeout", async () => {
    const none = await cli(["discover", "--host", "127.0.0.2", "--url", html.url]);
    assert.equal(none.code, 0);
    assert.equal(none.stdout.trim(), "No local model server found.");
    const bad = await cli(["discover", "--timeout", "soon"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: --timeout soon: expected milliseconds/);
  });
});
