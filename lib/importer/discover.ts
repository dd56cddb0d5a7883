import { z } from "zod";
import { baseUrlCandidates } from "./base-url";
import type { GetJson } from "./fetch-models";
import { parseModelList } from "./model-list";

/*
 * Local discovery: asks the usual local ports (and any address the operator adds) which
 * model server answers there, so the importer can start from a find instead of a typed URL.
 * A closed port or a web server that is not a model server is "nothing there", never an error.
 */

export type LocalServerKind = "ollama" | "vllm" | "lmstudio" | "llamacpp" | "openai";

export interface LocalServer {
  kind: LocalServerKind;
  /** The OpenAI-compatible base (`http://127.0.0.1:11434/v1`): what the importer asks. */
  baseUrl: string;
  /** Model ids as the OpenAI-compatible API takes them, sorted. */
  models: string[];
}

/** Why an address gave no find: no answer at all, or an answer that is not a model server. */
export type QuietReason = "nothing" | "notLlmServer";

export interface DiscoveryReport {
  found: LocalServer[];
  quiet: { address: string; reason: QuietReason }[];
}

export interface DiscoveryOptions {
  /** Host of the well-known ports; 127.0.0.1 unless told. */
  host?: string;
  /** The well-known ports to probe; `DEFAULT_PORTS` unless told (an empty list probes none). */
  ports?: readonly number[];
  /** More addresses to probe, as the operator typed them (with or without `/v1`). */
  urls?: readonly string[];
  /** Per request; a server that never answers costs at most this. */
  timeoutMs?: number;
}

export const DEFAULT_HOST = "127.0.0.1";
/** Ollama, vLLM, LM Studio, llama.cpp server. */
export const DEFAULT_PORTS: readonly number[] = [11434, 8000, 1234, 8080];
export const DISCOVERY_TIMEOUT_MS = 800;
const MAX_BYTES = 2 * 1024 * 1024;

// Ollama's native listing: `GET /api/tags` → `{ models: [{ name: "llama3.2:latest", model, size, details }] }`.
const ollamaTags = z.object({ models: z.array(z.object({ name: z.string().min(1) }).passthrough()) });
// LM Studio's REST API: `GET /api/v0/models` → `{ object: "list", data: [{ id, type: "llm", state }] }`.
const lmStudioModels = z.object({
  object: z.literal("list"),
  data: z.array(z.object({ id: z.string(), type: z.string(), state: z.string() }).passthrough()),
});
// llama.cpp server: `GET /props` carries its generation defaults and slot count.
const llamaCppProps = z.union([
  z.object({ default_generation_settings: z.unknown() }).passthrough(),
  z.object({ total_slots: z.number() }).passthrough(),
]);

interface Target {
  /** Scheme, host and port, plus any path prefix before `/v1`. */
  root: string;
  /** The OpenAI-compatible base to ask for `/models`. */
  apiBase: string;
}

function targetOfUrl(input: string): Target | null {
  const parsed = baseUrlCandidates(input);
  if ("problem" in parsed) return null;
  const apiBase = parsed.candidates[0];
  if (apiBase === undefined) return null;
  return { root: apiBase.replace(/\/v\d+[a-z0-9]*$/i, ""), apiBase };
}

/** Resolves to the JSON body of a 2xx answer, or null for anything else, errors included. */
async function probe(getJson: GetJson, url: string, timeoutMs: number): Promise<unknown> {
  try {
    const response = await getJson(url, { timeoutMs, maxBytes: MAX_BYTES });
    return response.status >= 200 && response.status < 300 ? response.data : null;
  } catch {
    return null;
  }
}

/** True when anything at all answers at the address (a refused connection is not an answer). */
async function answers(getJson: GetJson, url: string, timeoutMs: number): Promise<boolean> {
  try {
    await getJson(url, { timeoutMs, maxBytes: MAX_BYTES });
    return true;
  } catch (error) {
    // A web page instead of JSON still means a server is listening.
    const code = error instanceof Error && "code" in error ? error.code : null;
    return code === "not_json" || code === "invalid_json" || code === "http_error" || code === "response_too_large";
  }
}

function kindFromOwner(owners: (string | null)[]): LocalServerKind {
  if (owners.includes("vllm")) return "vllm";
  if (owners.includes("llamacpp")) return "llamacpp";
  if (owners.includes("library")) return "ollama";
  return "openai";
}

async function probeTarget(getJson: GetJson, target: Target, timeoutMs: number): Promise<LocalServer | QuietReason> {
  const [openAiList, tags, lmStudio, props] = await Promise.all([
    probe(getJson, `${target.apiBase}/models`, timeoutMs),
    probe(getJson, `${target.root}/api/tags`, timeoutMs),
    probe(getJson, `${target.root}/api/v0/models`, timeoutMs),
    probe(getJson, `${target.root}/props`, timeoutMs),
  ]);
  const listed = openAiList === null ? null : parseModelList(openAiList);
  const ollama = ollamaTags.safeParse(tags);
  if (ollama.success) {
    const models = listed ? listed.models.map((model) => model.id) : ollama.data.models.map((model) => model.name);
    return { kind: "ollama", baseUrl: target.apiBase, models: [...new Set(models)].sort() };
  }
  if (!listed) return (await answers(getJson, target.root, timeoutMs)) ? "notLlmServer" : "nothing";
  const models = listed.models.map((model) => model.id);
  let kind = kindFromOwner(listed.models.map((model) => model.ownedBy));
  if (lmStudioModels.safeParse(lmStudio).success) kind = "lmstudio";
  else if (llamaCppProps.safeParse(props).success) kind = "llamacpp";
  return { kind, baseUrl: target.apiBase, models };
}

/**
 * Probes every address in parallel, each request bounded by the timeout, so the whole scan
 * takes about two timeouts at worst. Finds come back in probe order, one per base URL.
 */
export async function discoverLocalServers(getJson: GetJson, options: DiscoveryOptions = {}): Promise<DiscoveryReport> {
  const host = options.host ?? DEFAULT_HOST;
  const timeoutMs = options.timeoutMs ?? DISCOVERY_TIMEOUT_MS;
  const hostPart = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const wellKnown = (options.ports ?? DEFAULT_PORTS).map((port) => `http://${hostPart}:${port}`);
  const targets = new Map<string, Target>();
  const quiet: DiscoveryReport["quiet"] = [];
  for (const address of [...wellKnown, ...(options.urls ?? [])]) {
    const target = targetOfUrl(address);
    if (!target) quiet.push({ address, reason: "nothing" });
    else if (!targets.has(target.apiBase)) targets.set(target.apiBase, target);
  }
  const outcomes = await Promise.all(
    [...targets.values()].map(async (target) => ({ target, outcome: await probeTarget(getJson, target, timeoutMs) })),
  );
  const found: LocalServer[] = [];
  for (const { target, outcome } of outcomes) {
    if (typeof outcome === "string") quiet.push({ address: target.root, reason: outcome });
    else found.push(outcome);
  }
  return { found, quiet };
}
