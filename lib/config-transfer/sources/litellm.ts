import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { invalidSource, toImportedSource, uniqueNamer, type ImportedSource } from "./source";

/** The top-level keys of a LiteLLM proxy config.yaml; anything else is refused by name. */
const KNOWN_KEYS = ["model_list", "router_settings", "litellm_settings", "general_settings", "environment_variables"];

/* LiteLLM's `provider/` model prefixes we can serve, with the provider's own base URL. */
const PREFIXES: Readonly<Record<string, { protocol: "openai" | "anthropic"; baseUrl: string }>> = {
  openai: { protocol: "openai", baseUrl: "https://api.openai.com/v1" },
  text_completion_openai: { protocol: "openai", baseUrl: "https://api.openai.com/v1" },
  hosted_vllm: { protocol: "openai", baseUrl: "" },
  anthropic: { protocol: "anthropic", baseUrl: "https://api.anthropic.com" },
  openrouter: { protocol: "openai", baseUrl: "https://openrouter.ai/api/v1" },
  deepseek: { protocol: "openai", baseUrl: "https://api.deepseek.com/v1" },
  groq: { protocol: "openai", baseUrl: "https://api.groq.com/openai/v1" },
  mistral: { protocol: "openai", baseUrl: "https://api.mistral.ai/v1" },
  xai: { protocol: "openai", baseUrl: "https://api.x.ai/v1" },
  together_ai: { protocol: "openai", baseUrl: "https://api.together.xyz/v1" },
};

const count = z.coerce.number().int().positive().optional();
const deploymentSchema = z.looseObject({
  model_name: z.string().min(1),
  litellm_params: z.looseObject({
    model: z.string().min(1),
    api_base: z.string().optional(),
    api_key: z.string().optional(),
    rpm: count,
    tpm: count,
    weight: count,
    order: count,
  }),
});
const fallbacksSchema = z.array(z.record(z.string(), z.array(z.string()))).optional();
const routerSchema = z
  .looseObject({
    routing_strategy: z.string().optional(),
    num_retries: z.coerce.number().int().min(0).optional(),
    timeout: z.coerce.number().positive().optional(),
    allowed_fails: z.coerce.number().int().min(1).optional(),
    cooldown_time: z.coerce.number().positive().optional(),
    fallbacks: fallbacksSchema,
  })
  .optional();
const configSchema = z.looseObject({
  model_list: z.array(deploymentSchema).min(1, "lists no models"),
  router_settings: routerSchema,
  litellm_settings: z.looseObject({ fallbacks: fallbacksSchema, num_retries: z.coerce.number().optional() }).optional(),
  environment_variables: z.record(z.string(), z.coerce.string()).optional(),
});
type LiteLlmConfig = z.infer<typeof configSchema>;

function parseConfig(text: string): LiteLlmConfig {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw invalidSource(
      "source_invalid",
      `The LiteLLM config is not valid YAML: ${error instanceof Error ? error.message : ""}`,
      { cause: error, detail: "YAML" },
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalidSource("source_invalid", "The LiteLLM config is not a YAML mapping", { detail: "YAML" });
  const unknown = Object.keys(value).filter((key) => !KNOWN_KEYS.includes(key));
  if (unknown.length > 0)
    throw invalidSource(
      "source_unknown_keys",
      `The LiteLLM config has unknown top-level key${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (known: ${KNOWN_KEYS.join(", ")}); nothing was imported`,
      { detail: unknown.join(", ") },
    );
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") || "config";
    throw invalidSource("source_invalid", `The LiteLLM config is not valid: ${path} ${issue?.message ?? ""}`, {
      detail: path,
    });
  }
  return parsed.data;
}

/** `os.environ/NAME` reads the environment (then the file's environment_variables), as LiteLLM does. */
function resolver(config: LiteLlmConfig, env: NodeJS.ProcessEnv) {
  const missing = new Set<string>();
  const resolve = (value: string | undefined): string | undefined => {
    const match = value?.match(/^os\.environ\/(\w+)$/);
    if (!match?.[1]) return value;
    const found = env[match[1]] ?? config.environment_variables?.[match[1]];
    if (found === undefined || found === "") missing.add(match[1]);
    return found;
  };
  return { resolve, missing };
}

export function readLiteLlm(path: string, env: NodeJS.ProcessEnv = process.env): ImportedSource {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw invalidSource("source_unreadable", `Cannot read ${path}`, { cause: error });
  }
  return buildDocument(parseConfig(text), env);
}

function buildDocument(config: LiteLlmConfig, env: NodeJS.ProcessEnv): ImportedSource {
  const warnings: string[] = [];
  const { resolve, missing } = resolver(config, env);
  const endpointsBySignature = new Map<string, { name: string; baseUrl: string; protocol: string }>();
  const endpointKeys: Record<string, string> = {};
  const endpointName = uniqueNamer();
  const providerName = uniqueNamer();
  const providers: unknown[] = [];
  const members = new Map<string, { provider: string; priority: number; weight: number }[]>();
  for (const deployment of config.model_list) {
    const params = deployment.litellm_params;
    const slash = params.model.indexOf("/");
    const prefix = slash > 0 ? params.model.slice(0, slash) : "openai";
    const kind = PREFIXES[prefix];
    if (!kind) {
      warnings.push(
        `Skipped ${deployment.model_name} (${params.model}): LiteLLM provider "${prefix}" has no equivalent`,
      );
      continue;
    }
    const baseUrl = (resolve(params.api_base) ?? kind.baseUrl).replace(/\/+$/, "");
    if (baseUrl === "") {
      warnings.push(`Skipped ${deployment.model_name}: ${prefix} needs an api_base`);
      continue;
    }
    const apiKey = resolve(params.api_key);
    const signature = JSON.stringify([kind.protocol, baseUrl, apiKey ?? null]);
    let endpoint = endpointsBySignature.get(signature);
    if (!endpoint) {
      endpoint = { name: endpointName(new URL(baseUrl).hostname), baseUrl, protocol: kind.protocol };
      endpointsBySignature.set(signature, endpoint);
      if (apiKey) endpointKeys[endpoint.name] = apiKey;
    }
    const provider = providerName(deployment.model_name);
    providers.push({
      name: provider,
      endpoint: endpoint.name,
      upstreamModel: slash > 0 ? params.model.slice(slash + 1) : params.model,
      limits: { rpm: params.rpm ?? null, tpm: params.tpm ?? null },
    });
    const list = members.get(deployment.model_name) ?? [];
    list.push({ provider, priority: params.order ?? 1, weight: params.weight ?? 1 });
    members.set(deployment.model_name, list);
  }
  if (missing.size > 0)
    throw invalidSource(
      "source_missing_env",
      `The LiteLLM config refers to unset environment variables: ${[...missing].join(", ")}`,
      { detail: [...missing].join(", ") },
    );
  const groups = [...members].map(([name, own]) => ({ name, members: [...own], description: "Imported from LiteLLM" }));
  addFallbacks(
    groups,
    members,
    [...(config.router_settings?.fallbacks ?? []), ...(config.litellm_settings?.fallbacks ?? [])],
    warnings,
  );
  const draft = {
    version: 1,
    endpoints: [...endpointsBySignature.values()],
    providers,
    groups,
    settings: routerSettings(config, warnings),
  };
  return toImportedSource("LiteLLM", draft, { endpointKeys }, {}, warnings);
}

type Group = { name: string; members: { provider: string; priority: number; weight: number }[] };

/** A fallback model's deployments join the group after its own, one priority level per fallback. */
function addFallbacks(
  groups: Group[],
  own: ReadonlyMap<string, Group["members"]>,
  fallbacks: readonly Record<string, string[]>[],
  warnings: string[],
): void {
  for (const rule of fallbacks) {
    for (const [model, targets] of Object.entries(rule)) {
      const group = groups.find((entry) => entry.name === model);
      if (!group) {
        warnings.push(`Fallback for unknown model ${model} ignored`);
        continue;
      }
      for (const target of targets) {
        const deployments = own.get(target);
        if (!deployments) {
          warnings.push(`Fallback ${model} → ${target} ignored: no model ${target}`);
          continue;
        }
        const next = Math.max(...group.members.map((member) => member.priority)) + 1;
        for (const member of deployments) {
          if (!group.members.some((existing) => existing.provider === member.provider))
            group.members.push({ provider: member.provider, priority: next, weight: member.weight });
        }
      }
    }
  }
}

function routerSettings(config: LiteLlmConfig, warnings: string[]): Record<string, number> {
  const router = config.router_settings ?? {};
  const settings: Record<string, number> = {};
  const retries = router.num_retries ?? config.litellm_settings?.num_retries;
  if (retries !== undefined) settings.maxAttempts = Math.min(20, Math.max(1, Math.round(retries) + 1));
  if (router.timeout !== undefined)
    settings.totalTimeoutMs = Math.min(3_600_000, Math.max(1_000, router.timeout * 1000));
  if (router.allowed_fails !== undefined) settings.failoverThreshold = Math.min(1000, router.allowed_fails);
  if (router.cooldown_time !== undefined) settings.cooldownSeconds = Math.min(86_400, Math.ceil(router.cooldown_time));
  const strategy = router.routing_strategy;
  if (strategy !== undefined && strategy !== "simple-shuffle")
    warnings.push(`routing_strategy ${strategy} has no equivalent: groups route by priority, then weight`);
  return settings;
}
