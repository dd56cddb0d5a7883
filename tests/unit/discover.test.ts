import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEFAULT_PORTS, discoverLocalServers } from "../../lib/importer/discover";
import { createOutboundClient } from "../../lib/http/outbound";
import { closedPort, startLocalServer, type LocalServerFlavour, type RunningServer } from "../support/local-servers";

const outbound = createOutboundClient();
const servers = new Map<LocalServerFlavour, RunningServer>();
let closed = 0;
const noise: string[] = [];
const originalError = console.error;
const originalWarn = console.warn;

before(async () => {
  for (const flavour of ["ollama", "vllm", "lmstudio", "llamacpp", "html", "json404", "silent"] as const)
    servers.set(flavour, await startLocalServer(flavour));
  closed = await closedPort();
  console.error = (...args: unknown[]) => void noise.push(args.map(String).join(" "));
  console.warn = (...args: unknown[]) => void noise.push(args.map(String).join(" "));
});

after(async () => {
  console.error = originalError;
  console.warn = originalWarn;
  outbound.destroy();
  await Promise.all([...servers.values()].map((server) => server.close()));
});

function portOf(flavour: LocalServerFlavour): number {
  const server = servers.get(flavour);
  assert.ok(server, flavour);
  return server.port;
}

describe("local discovery", () => {
  it("identifies each server from its listing and returns its /v1 base and models", async () => {
    const report = await discoverLocalServers(outbound.getJson, {
      ports: [portOf("ollama"), portOf("vllm"), portOf("lmstudio"), portOf("llamacpp")],
    });
    assert.deepEqual(report.found, [
      {
        kind: "ollama",
        baseUrl: `http://127.0.0.1:${portOf("ollama")}/v1`,
        models: ["llama3.2:latest", "qwen2.5-coder:7b"],
      },
      { kind: "vllm", baseUrl: `http://127.0.0.1:${portOf("vllm")}/v1`, models: ["Qwen/Qwen2.5-7B-Instruct"] },
      {
        kind: "lmstudio",
        baseUrl: `http://127.0.0.1:${portOf("lmstudio")}/v1`,
        models: ["qwen2-vl-7b-instruct", "text-embedding-nomic-embed-text-v1.5"],
      },
      { kind: "llamacpp", baseUrl: `http://127.0.0.1:${portOf("llamacpp")}/v1`, models: ["gemma-3-4b-it-Q8_0.gguf"] },
    ]);
    assert.deepEqual(report.quiet, []);
  });

  it("treats a closed port, an HTML page and a JSON 404 as nothing found, without noise", async () => {
    const report = await discoverLocalServers(outbound.getJson, {
      ports: [closed, portOf("html"), portOf("json404")],
    });
    assert.deepEqual(report.found, []);
    assert.deepEqual(report.quiet, [
      { address: `http://127.0.0.1:${closed}`, reason: "nothing" },
      { address: `http://127.0.0.1:${portOf("html")}`, reason: "notLlmServer" },
      { address: `http://127.0.0.1:${portOf("json404")}`, reason: "notLlmServer" },
    ]);
    assert.deepEqual(noise, []);
  });

  it("probes added URLs as typed, with or without /v1, once per base", async () => {
    const ollama = `http://127.0.0.1:${portOf("ollama")}`;
    const report = await discoverLocalServers(outbound.getJson, {
      ports: [],
      urls: [`${ollama}/v1`, `${ollama}/`, "not a url"],
    });
    assert.deepEqual(
      report.found.map((server) => [server.kind, server.baseUrl]),
      [["ollama", `${ollama}/v1`]],
    );
    assert.deepEqual(report.quiet, [{ address: "not a url", reason: "nothing" }]);
  });

  it("does not let a server that never answers stall the scan", async () => {
    const report = await discoverLocalServers(outbound.getJson, {
      ports: [portOf("silent"), portOf("vllm")],
      timeoutMs: 300,
    });
    assert.deepEqual(
      report.found.map((server) => server.kind),
      ["vllm"],
    );
    assert.deepEqual(report.quiet, [{ address: `http://127.0.0.1:${portOf("silent")}`, reason: "nothing" }]);
  });

  it("finds a server on its real default port", async (context) => {
    let ollama: RunningServer;
    try {
      ollama = await startLocalServer("ollama", 11434);
    } catch {
      context.skip("port 11434 is taken on this machine, so a real server may answer there");
      return;
    }
    try {
      const report = await discoverLocalServers(outbound.getJson, { ports: DEFAULT_PORTS.filter((p) => p === 11434) });
      assert.deepEqual(report.found[0]?.baseUrl, "http://127.0.0.1:11434/v1");
      assert.equal(report.found[0]?.kind, "ollama");
    } finally {
      await ollama.close();
    }
  });
});
