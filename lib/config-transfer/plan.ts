import { createCredential, deleteCredential, updateCredential } from "../../db/queries/credentials";
import { createGroup, deleteGroup, replaceGroupMembers, updateGroup } from "../../db/queries/groups";
import { createKeyword, deleteKeyword, updateKeyword } from "../../db/queries/keywords";
import { createProvider, deleteProvider, updateProvider, type ProviderInput } from "../../db/queries/providers";
import { saveSettings } from "../../db/queries/settings";
import type { Settings } from "../../db/settings-schema";
import type { DocumentGroup, DocumentProvider } from "./document";
import { ConfigTransferError } from "./errors";
import { planApiKeys } from "./plan-api-keys";
import {
  differentFields,
  idOf,
  PlanBuilder,
  type ApplyContext,
  type ImportPlan,
  type ImportStep,
  type PlanInput,
} from "./plan-builder";

export type {
  ApplyContext,
  ChangeAction,
  ConfigObjectKind,
  ImportPlan,
  ImportStep,
  PlannedChange,
} from "./plan-builder";

const sortedEntries = (record: Record<string, string>) =>
  Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const memberKeys = (group: DocumentGroup) =>
  group.members.map((m) => `${m.provider}\u0000${m.priority}\u0000${m.weight}`).sort();

const PROVIDER_FIELDS = [
  "endpoint",
  "upstreamModel",
  "priceInput",
  "priceOutput",
  "priceCached",
  "priceCacheWrite",
  "priceUnit",
  "pricePerUnit",
  "kinds",
  "enabled",
  "connectTimeoutMs",
  "firstTokenTimeoutMs",
  "totalTimeoutMs",
  "extraHeaders",
  "limits",
] as const satisfies readonly (keyof DocumentProvider)[];

function providerInput(provider: DocumentProvider, context: ApplyContext): ProviderInput {
  return {
    name: provider.name,
    credentialId: idOf(context.endpointIds, provider.endpoint),
    upstreamModel: provider.upstreamModel,
    priceInput: provider.priceInput,
    priceOutput: provider.priceOutput,
    priceCached: provider.priceCached,
    priceCacheWrite: provider.priceCacheWrite,
    priceUnit: provider.priceUnit,
    pricePerUnit: provider.pricePerUnit,
    kinds: provider.kinds,
    isEnabled: provider.enabled,
    connectTimeoutMs: provider.connectTimeoutMs,
    firstTokenTimeoutMs: provider.firstTokenTimeoutMs,
    totalTimeoutMs: provider.totalTimeoutMs,
    extraHeaders: provider.extraHeaders,
    limits: provider.limits,
  };
}

function members(group: DocumentGroup, context: ApplyContext) {
  return group.members.map((m) => ({
    providerId: idOf(context.providerIds, m.provider),
    priority: m.priority,
    weight: m.weight,
  }));
}

function planEndpoints(input: PlanInput, plan: PlanBuilder): void {
  const { current, incoming, secrets } = input;
  const stored = new Map(current.document.endpoints.map((e) => [e.name, e]));
  const missingKeys: string[] = [];
  for (const endpoint of incoming.endpoints) {
    const apiKey = secrets?.endpointKeys[endpoint.name];
    const before = stored.get(endpoint.name);
    if (!before) {
      if (apiKey === undefined) {
        missingKeys.push(endpoint.name);
        continue;
      }
      plan.add("endpoint", endpoint.name, "create", async (c) => {
        c.endpointIds.set(
          endpoint.name,
          await createCredential(c.trx, c.cipher, {
            name: endpoint.name,
            baseUrl: endpoint.baseUrl,
            apiKey,
            forwardHeaders: endpoint.forwardHeaders,
            streamUsage: endpoint.streamUsage,
            protocol: endpoint.protocol,
          }),
        );
      });
      continue;
    }
    const fields = before.baseUrl === endpoint.baseUrl ? [] : ["baseUrl"];
    if (JSON.stringify(before.forwardHeaders) !== JSON.stringify(endpoint.forwardHeaders))
      fields.push("forwardHeaders");
    if (before.streamUsage !== endpoint.streamUsage) fields.push("streamUsage");
    if (before.protocol !== endpoint.protocol) fields.push("protocol");
    const isKeyChanged = apiKey !== undefined && input.currentKeys.get(endpoint.name) !== apiKey;
    if (isKeyChanged) fields.push("apiKey");
    if (fields.length === 0) continue;
    plan.add(
      "endpoint",
      endpoint.name,
      "update",
      (c) =>
        updateCredential(c.trx, c.cipher, idOf(c.endpointIds, endpoint.name), {
          baseUrl: endpoint.baseUrl,
          apiKey: isKeyChanged ? apiKey : undefined,
          forwardHeaders: endpoint.forwardHeaders,
          streamUsage: endpoint.streamUsage,
          protocol: endpoint.protocol,
        }),
      fields,
    );
  }
  if (missingKeys.length > 0) {
    const names = missingKeys.map((name) => `"${name}"`).join(", ");
    throw new ConfigTransferError(
      "missing_endpoint_key",
      missingKeys.length === 1
        ? `Endpoint ${names} does not exist here and the document carries no key for it: export with provider keys (a passphrase), or create the endpoint first`
        : `Endpoints ${names} do not exist here and the document carries no keys for them: export with provider keys (a passphrase), or create the endpoints first`,
      { detail: missingKeys.join(", ") },
    );
  }
}

function planProviders(input: PlanInput, plan: PlanBuilder): void {
  const stored = new Map(input.current.document.providers.map((p) => [p.name, p]));
  for (const provider of input.incoming.providers) {
    const before = stored.get(provider.name);
    if (!before) {
      plan.add("provider", provider.name, "create", async (c) => {
        c.providerIds.set(provider.name, await createProvider(c.trx, providerInput(provider, c)));
      });
      continue;
    }
    const fields = differentFields(
      { ...before, extraHeaders: sortedEntries(before.extraHeaders) },
      { ...provider, extraHeaders: sortedEntries(provider.extraHeaders) },
      PROVIDER_FIELDS,
    );
    if (fields.length === 0) continue;
    plan.add(
      "provider",
      provider.name,
      "update",
      (c) => updateProvider(c.trx, idOf(c.providerIds, provider.name), providerInput(provider, c)),
      fields,
    );
  }
}

function planRemovals(input: PlanInput, plan: PlanBuilder): void {
  const listed = (names: { name: string }[]) => new Set(names.map((n) => n.name));
  const providers = listed(input.incoming.providers);
  const endpoints = listed(input.incoming.endpoints);
  // Providers go first: an endpoint cannot be deleted while a provider uses it.
  plan.absent(
    "provider",
    input.current.document.providers.filter((p) => !providers.has(p.name)).map((p) => p.name),
    (name) => (c) => deleteProvider(c.trx, idOf(c.providerIds, name)),
  );
  plan.absent(
    "endpoint",
    input.current.document.endpoints.filter((e) => !endpoints.has(e.name)).map((e) => e.name),
    (name) => (c) => deleteCredential(c.trx, idOf(c.endpointIds, name)),
  );
}

function planGroups(input: PlanInput, plan: PlanBuilder): void {
  const stored = new Map(input.current.document.groups.map((g) => [g.name, g]));
  for (const group of input.incoming.groups) {
    const before = stored.get(group.name);
    if (!before) {
      plan.add("group", group.name, "create", async (c) => {
        const id = await createGroup(c.trx, {
          name: group.name,
          description: group.description,
          limits: group.limits,
          strategy: group.strategy,
          hedge: group.hedge,
        });
        c.groupIds.set(group.name, id);
        if (group.members.length > 0) await replaceGroupMembers(c.trx, id, members(group, c));
      });
      continue;
    }
    const isDescriptionChanged = before.description !== group.description;
    const isMembersChanged = JSON.stringify(memberKeys(before)) !== JSON.stringify(memberKeys(group));
    const isLimitsChanged = JSON.stringify(before.limits) !== JSON.stringify(group.limits);
    const isStrategyChanged = before.strategy !== group.strategy;
    const isHedgeChanged = JSON.stringify(before.hedge) !== JSON.stringify(group.hedge);
    if (!isDescriptionChanged && !isMembersChanged && !isLimitsChanged && !isStrategyChanged && !isHedgeChanged)
      continue;
    const fields = [
      ...(isDescriptionChanged ? ["description"] : []),
      ...(isMembersChanged ? ["members"] : []),
      ...(isLimitsChanged ? ["limits"] : []),
      ...(isStrategyChanged ? ["strategy"] : []),
      ...(isHedgeChanged ? ["hedge"] : []),
    ];
    plan.add(
      "group",
      group.name,
      "update",
      async (c) => {
        const id = idOf(c.groupIds, group.name);
        if (isDescriptionChanged || isLimitsChanged || isStrategyChanged || isHedgeChanged)
          await updateGroup(c.trx, id, {
            description: group.description,
            limits: group.limits,
            strategy: group.strategy,
            hedge: group.hedge,
          });
        if (isMembersChanged) await replaceGroupMembers(c.trx, id, members(group, c));
      },
      fields,
    );
  }
  const listed = new Set(input.incoming.groups.map((g) => g.name));
  plan.absent(
    "group",
    input.current.document.groups.filter((g) => !listed.has(g.name)).map((g) => g.name),
    (name) => (c) => deleteGroup(c.trx, idOf(c.groupIds, name)),
  );
}

function planKeywords(input: PlanInput, plan: PlanBuilder): void {
  const stored = input.current.ids.keywords;
  for (const entry of input.incoming.keywords) {
    const before = stored.get(entry.keyword.toLowerCase());
    if (!before) {
      plan.add("keyword", entry.keyword, "create", async (c) => {
        await createKeyword(c.trx, { keyword: entry.keyword, isEnabled: entry.enabled });
      });
      continue;
    }
    const fields = [
      ...(before.keyword !== entry.keyword ? ["keyword"] : []),
      ...(before.isEnabled !== entry.enabled ? ["enabled"] : []),
    ];
    if (fields.length === 0) continue;
    plan.add(
      "keyword",
      entry.keyword,
      "update",
      (c) => updateKeyword(c.trx, before.id, { keyword: entry.keyword, isEnabled: entry.enabled }),
      fields,
    );
  }
  const listed = new Set(input.incoming.keywords.map((k) => k.keyword.toLowerCase()));
  const absent = [...stored.entries()].filter(([text]) => !listed.has(text)).map(([, keyword]) => keyword);
  const idsByText = new Map(absent.map((keyword) => [keyword.keyword, keyword.id]));
  plan.absent("keyword", idsByText.keys(), (text) => (c) => deleteKeyword(c.trx, idOf(idsByText, text)));
}

function planSettings(input: PlanInput, plan: PlanBuilder): void {
  const incoming: Partial<Settings> = { ...input.incoming.settings };
  if (input.secrets?.metricsToken !== undefined) incoming.metricsToken = input.secrets.metricsToken;
  for (const [key, value] of Object.entries(incoming) as [keyof Settings, Settings[keyof Settings]][]) {
    if (value === undefined || input.current.settings[key] === value) continue;
    plan.add("setting", key, "update", async (c) => {
      await saveSettings(c.trx, { [key]: value });
    });
  }
}

/** The diff of the stored configuration against a document, and the steps that apply it. */
export function planImport(input: PlanInput): { plan: ImportPlan; steps: ImportStep[] } {
  const plan = new PlanBuilder(input.prune);
  const skippedApiKeys: string[] = [];
  planEndpoints(input, plan);
  planProviders(input, plan);
  planRemovals(input, plan);
  planGroups(input, plan);
  planKeywords(input, plan);
  planSettings(input, plan);
  planApiKeys(input, plan, skippedApiKeys);
  return {
    plan: { changes: plan.steps.map((step) => step.change), kept: plan.kept, skippedApiKeys, prune: input.prune },
    steps: plan.steps,
  };
}
