// Configures a gateway through db/queries, as the dashboard would: endpoints, providers, groups, keys.
import type { HedgePolicy } from "../../../db/hedging";
import type { Kysely } from "kysely";
import { createApiKey, setApiKeyEnabled } from "../../../db/queries/api-keys";
import { createCredential, type PassthroughInput } from "../../../db/queries/credentials";
import { createGroup, setGroupMember } from "../../../db/queries/groups";
import { createKeyword } from "../../../db/queries/keywords";
import { createProvider } from "../../../db/queries/providers";
import type { Database, PriceUnit, WorkKind } from "../../../db/schema";
import type { SecretCipher } from "../../../db/crypto";
import { NO_KEY_LIMITS, type KeyLimits, type RateLimits } from "../../../db/limits";
import type { RoutingStrategy } from "../../../db/routing-strategy";
import { MOCK_ENDPOINT } from "./waits";

export interface ProviderSpec {
  /** Endpoint (credential) name; defaults to the mock. */
  endpoint?: string;
  isEnabled?: boolean;
  priceInput?: number;
  priceOutput?: number;
  priceCached?: number;
  /** Defaults to guessed from the model id. */
  kinds?: WorkKind[];
  priceUnit?: PriceUnit;
  pricePerUnit?: number;
  connectTimeoutMs?: number | null;
  firstTokenTimeoutMs?: number | null;
  totalTimeoutMs?: number | null;
  limits?: RateLimits;
}

export interface MemberSpec extends ProviderSpec {
  /** Upstream model id and provider name: it selects the mock's behaviour. */
  model: string;
  /** Defaults to the member's position (1, 2, 3…): a plain failover chain. */
  priority?: number;
  weight?: number;
}

export interface KeySpec {
  groups?: readonly string[];
  allGroups?: boolean;
  expiresAt?: number | null;
  isEnabled?: boolean;
  limits?: Partial<KeyLimits>;
}

export class GatewaySeeder {
  private readonly endpoints = new Map<string, number>();
  private readonly providers = new Map<string, number>();
  private readonly groups = new Map<string, number>();

  constructor(
    readonly db: Kysely<Database>,
    private readonly cipher: SecretCipher,
    readonly canaryKey: string,
  ) {}

  /** An endpoint credential; every one carries the canary key unless told otherwise. */
  async endpoint(
    name: string,
    baseUrl: string,
    apiKey = this.canaryKey,
    passthrough: PassthroughInput = {},
  ): Promise<number> {
    const id = await createCredential(this.db, this.cipher, { name, baseUrl, apiKey, ...passthrough });
    this.endpoints.set(name, id);
    return id;
  }

  async provider(model: string, spec: ProviderSpec = {}): Promise<number> {
    const known = this.providers.get(model);
    if (known !== undefined) return known;
    const credentialId = this.endpoints.get(spec.endpoint ?? MOCK_ENDPOINT);
    if (credentialId === undefined) throw new Error(`No endpoint named ${spec.endpoint}`);
    const id = await createProvider(this.db, {
      name: model,
      credentialId,
      upstreamModel: model,
      priceInput: spec.priceInput ?? 1,
      priceOutput: spec.priceOutput ?? 2,
      priceCached: spec.priceCached ?? 0.5,
      kinds: spec.kinds ?? [],
      priceUnit: spec.priceUnit ?? "none",
      pricePerUnit: spec.pricePerUnit ?? 0,
      isEnabled: spec.isEnabled ?? true,
      connectTimeoutMs: spec.connectTimeoutMs ?? null,
      firstTokenTimeoutMs: spec.firstTokenTimeoutMs ?? null,
      totalTimeoutMs: spec.totalTimeoutMs ?? null,
      limits: spec.limits,
    });
    this.providers.set(model, id);
    return id;
  }

  async group(
    name: string,
    members: readonly (string | MemberSpec)[],
    limits?: RateLimits,
    strategy?: RoutingStrategy,
    hedge?: HedgePolicy,
  ): Promise<number> {
    const groupId = await createGroup(this.db, { name, limits, strategy, hedge });
    this.groups.set(name, groupId);
    for (const [index, entry] of members.entries()) {
      const member = typeof entry === "string" ? { model: entry } : entry;
      const providerId = await this.provider(member.model, member);
      await setGroupMember(this.db, groupId, {
        providerId,
        priority: member.priority ?? index + 1,
        weight: member.weight ?? 1,
      });
    }
    return groupId;
  }

  /** Returns the full client key. */
  async key(name: string, spec: KeySpec = {}): Promise<string> {
    const { id, key } = await createApiKey(this.db, {
      name,
      allGroups: spec.allGroups ?? false,
      groupIds: (spec.groups ?? []).map((group) => this.groupId(group)),
      expiresAt: spec.expiresAt ?? null,
      limits: { ...NO_KEY_LIMITS, ...spec.limits },
    });
    if (spec.isEnabled === false) await setApiKeyEnabled(this.db, id, false);
    return key;
  }

  keyword(text: string): Promise<number> {
    return createKeyword(this.db, { keyword: text });
  }

  providerId(model: string): number {
    const id = this.providers.get(model);
    if (id === undefined) throw new Error(`No provider ${model}`);
    return id;
  }

  groupId(name: string): number {
    const id = this.groups.get(name);
    if (id === undefined) throw new Error(`No group ${name}`);
    return id;
  }
}
