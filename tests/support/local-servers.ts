import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/*
 * Stand-ins for the local model servers discovery looks for, each answering its real listing
 * routes in the shape the server itself sends (Ollama, vLLM, LM Studio, llama.cpp server),
 * plus web servers that are not model servers and one that never answers.
 */

export type LocalServerFlavour = "ollama" | "vllm" | "lmstudio" | "llamacpp" | "html" | "json404" | "silent";

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

type Routes = Record<string, unknown>;

function routesOf(flavour: LocalServerFlavour): Routes {
  switch (flavour) {
    case "ollama":
      return {
        "/api/tags": {
          models: [
            {
              name: "llama3.2:latest",
              model: "llama3.2:latest",
              modified_at: "2025-05-04T17:37:44.706015396-07:00",
              size: 2019393189,
              digest: "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
              details: {
                parent_model: "",
                format: "gguf",
                family: "llama",
                families: ["llama"],
                parameter_size: "3.2B",
                quantization_level: "Q4_K_M",
              },
            },
            {
              name: "qwen2.5-coder:7b",
              model: "qwen2.5-coder:7b",
              modified_at: "2025-04-01T10:00:00Z",
              size: 4683087332,
              digest: "2b0496514337",
              details: { format: "gguf", family: "qwen2", parameter_size: "7.6B", quantization_level: "Q4_K_M" },
            },
          ],
        },
        "/v1/models": {
          object: "list",
          data: [
            { id: "llama3.2:latest", object: "model", created: 1746405464, owned_by: "library" },
            { id: "qwen2.5-coder:7b", object: "model", created: 1743501600, owned_by: "library" },
          ],
        },
        "/": "Ollama is running",
      };
    case "vllm":
      return {
        "/v1/models": {
          object: "list",
          data: [
            {
              id: "Qwen/Qwen2.5-7B-Instruct",
              object: "model",
              created: 1746405464,
              owned_by: "vllm",
              root: "Qwen/Qwen2.5-7B-Instruct",
              parent: null,
              max_model_len: 32768,
              permission: [{ id: "modelperm-1", object: "model_permission", allow_sampling: true }],
            },
          ],
        },
        "/health": "",
      };
    case "lmstudio":
      return {
        "/v1/models": {
          object: "list",
          data: [
            { id: "qwen2-vl-7b-instruct", object: "model", owned_by: "organization_owner" },
            { id: "text-embedding-nomic-embed-text-v1.5", object: "model", owned_by: "organization_owner" },
          ],
        },
        "/api/v0/models": {
          object: "list",
          data: [
            {
              id: "qwen2-vl-7b-instruct",
              object: "model",
              type: "vlm",
              publisher: "mlx-community",
              arch: "qwen2_vl",
              compatibility_type: "mlx",
              quantization: "4bit",
              state: "not-loaded",
              max_context_length: 32768,
            },
            {
              id: "text-embedding-nomic-embed-text-v1.5",
              object: "model",
              type: "embeddings",
              publisher: "nomic-ai",
              arch: "nomic-bert",
              compatibility_type: "gguf",
              quantization: "Q4_0",
              state: "loaded",
              max_context_length: 2048,
            },
          ],
        },
      };
    case "llamacpp":
      return {
        "/v1/models": {
          object: "list",
          data: [
            {
              id: "gemma-3-4b-it-Q8_0.gguf",
              object: "model",
              created: 1746405464,
              owned_by: "llamacpp",
              meta: { vocab_type: 1, n_vocab: 262144, n_ctx_train: 131072, n_embd: 2560, n_params: 3880263168 },
            },
          ],
        },
        "/props": {
          default_generation_settings: { n_ctx: 4096, params: { temperature: 0.8 } },
          total_slots: 1,
          model_path: "/models/gemma-3-4b-it-Q8_0.gguf",
          chat_template: "{{ bos_token }}",
        },
        "/health": { status: "ok" },
      };
    default:
      return {};
  }
}

function answer(flavour: LocalServerFlavour, request: IncomingMessage, response: ServerResponse): void {
  if (flavour === "silent") return; // Holds the request open until the client gives up.
  const path = (request.url ?? "/").split("?")[0] ?? "/";
  if (flavour === "html") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><title>My blog</title><h1>Hello</h1>");
    return;
  }
  const body = routesOf(flavour)[path];
  if (body === undefined) {
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: "Not Found", path }));
    return;
  }
  if (typeof body === "string") {
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    response.end(body);
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** Starts one on 127.0.0.1 (port 0 picks a free one). */
export async function startLocalServer(flavour: LocalServerFlavour, port = 0): Promise<RunningServer> {
  const server: Server = createServer((request, response) => answer(flavour, request, response));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = await startLocalServer("html");
  await server.close();
  return server.port;
}
