import { ROUTING_STRATEGIES } from "../../db/routing-strategy";
import { DEFAULT_HEDGE_DELAY_MS, HEDGE_DELAY_LIMITS, HEDGE_MODES, NO_HEDGING } from "../../db/hedging";
import { z } from "zod";
import { keyLimitsSchema, NO_KEY_LIMITS, rateLimitsSchema } from "../../db/limits";
import { checkOutboundUrl } from "../http/address-policy";
import { ENDPOINT_PROTOCOLS, PRICE_UNITS, WORK_KINDS } from "../../db/schema";
import { settingsSchema, type Settings } from "../../db/settings-schema";
import { isValidTimeZone } from "../time-zone";
import { ConfigTransferError } from "./errors";

/*
 * The configuration document: everything an operator configures, by name, with no database
 * ids, so it can live in git and be applied to any instance. Objects refer to each other by
 * name and every name referred to must be defined in the same document. Secrets (provider
 * keys, the metrics token) only ever travel inside `secrets`, encrypted with a passphrase.
 */

export const CONFIG_DOCUMENT_VERSION = 1;

const name = z.string().trim().min(1, "must not be empty").max(200, "is longer than 200 characters");

function isAllowedBaseUrl(value: string): boolean {
  try {
    checkOutboundUrl(value);
    return true;
  } catch {
    return false;
  }
}

const baseUrl = z
  .string()
  .trim()
  .max(2_000)
  .refine(isAllowedBaseUrl, "must be an http:// or https:// URL without credentials")
  .transform((value) => value.replace(/\/+$/, ""));

const price = z.number().min(0).max(1_000_000);

function timeout(setting: z.ZodDefault<z.ZodNumber>) {
  const inner = setting.unwrap();
  return z
    .number()
    .int()
    .min(inner.minValue ?? 0)
    .max(inner.maxValue ?? Number.MAX_SAFE_INTEGER)
    .nullable()
    .default(null);
}

// RFC 9110 token characters; values are one line of visible text (node refuses the rest).
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, "is not a valid header name");
const headerValue = z.string().regex(/^[\t\x20-\x7e\x80-\xff]{0,4000}$/, "is not one line of text");

// A header name, or a prefix ending in `*` (lib/gateway/forward-headers.ts).
const headerPattern = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[!#$%&'+.^_`|~0-9a-z-]{0,100}\*?$/, "is not a header name or prefix*")
  .min(1);

const endpointSchema = z.strictObject({
  name,
  baseUrl,
  /** Client headers forwarded upstream; null: the documented default list. */
  forwardHeaders: z.array(headerPattern).max(50).nullable().default(null),
  /** Ask streaming upstreams for usage when the client did not choose. */
  streamUsage: z.boolean().default(true),
  /** The wire protocol the endpoint speaks. */
  protocol: z.enum(ENDPOINT_PROTOCOLS).default("openai"),
});

/** Null (or left out): no limit. */
const rateLimitsPart = z.strictObject(rateLimitsSchema.shape).default({ rpm: null, tpm: null });
const keyLimitsPart = z.strictObject(keyLimitsSchema.shape).default({ ...NO_KEY_LIMITS });

const providerSchema = z.strictObject({
  name,
  /** The endpoint's name. */
  endpoint: name,
  upstreamModel: z.string().trim().min(1).max(300),
  priceInput: price.default(0),
  priceOutput: price.default(0),
  priceCached: price.default(0),
  priceCacheWrite: price.default(0),
  /** What `pricePerUnit` is per, besides tokens: an image, a second of audio, 1M characters. */
  priceUnit: z.enum(PRICE_UNITS).default("none"),
  pricePerUnit: price.default(0),
  /** The kinds of work it serves; empty: guessed from the upstream model id. */
  kinds: z
    .array(z.enum(WORK_KINDS))
    .max(WORK_KINDS.length * 2)
    .default([])
    .transform((kinds) => WORK_KINDS.filter((kind) => kinds.includes(kind))),
  enabled: z.boolean().default(true),
  connectTimeoutMs: timeout(settingsSchema.shape.connectTimeoutMs),
  firstTokenTimeoutMs: timeout(settingsSchema.shape.firstTokenTimeoutMs),
  totalTimeoutMs: timeout(settingsSchema.shape.totalTimeoutMs),
  extraHeaders: z.record(headerName, headerValue).default({}),
  /** Requests / tokens per minute that protect the upstream account. */
  limits: rateLimitsPart,
});

const memberSchema = z.strictObject({
  /** The provider's name. */
  provider: name,
  priority: z.number().int().min(1).max(1_000_000).default(1),
  weight: z.number().int().min(1).max(1_000_000).default(1),
});

const groupSchema = z.strictObject({
  name,
  description: z.string().trim().max(1_000).default(""),
  members: z.array(memberSchema).max(1_000).default([]),
  limits: rateLimitsPart,
  /** How providers within one priority are ordered. */
  strategy: z.enum(ROUTING_STRATEGIES).default("weighted"),
  /** Hedged first tokens: start the next provider when the first is slow to its first token. */
  hedge: z
    .strictObject({
      mode: z.enum(HEDGE_MODES),
      delayMs: z.number().int().min(HEDGE_DELAY_LIMITS.min).max(HEDGE_DELAY_LIMITS.max).default(DEFAULT_HEDGE_DELAY_MS),
    })
    .default(NO_HEDGING),
});

const keywordSchema = z.strictObject({
  keyword: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
});

const apiKeySchema = z.strictObject({
  name,
  /** True: every group, including ones created later. */
  allGroups: z.boolean().default(false),
  /** Group names. Kept while allGroups is on, as the dashboard does. */
  groups: z.array(name).max(10_000).default([]),
  enabled: z.boolean().default(true),
  /** ISO 8601, or null for no expiry. */
  expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
  /** Requests / tokens per minute, requests in flight, USD budgets per UTC day / month / in total. */
  limits: keyLimitsPart,
});

/** The settings a document may carry: every one but the metrics token, which is a secret. */
export type DocumentSettingKey = Exclude<keyof Settings, "metricsToken">;
export type DocumentSettings = Partial<Pick<Settings, DocumentSettingKey>>;

const documentSettingShapes = Object.fromEntries(
  Object.entries(settingsSchema.shape)
    .filter(([key]) => key !== "metricsToken")
    .map(([key, schema]) => [key, (schema as z.ZodDefault<z.ZodType>).unwrap().optional()]),
) as Record<DocumentSettingKey, z.ZodOptional<z.ZodType>>;

const settingsPartSchema = z.strictObject(documentSettingShapes).transform((value) => value as DocumentSettings);

const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64")
  .max(10_000_000);

/** Provider keys and the metrics token, encrypted with a passphrase (see secrets.ts). */
export const secretsEnvelopeSchema = z.strictObject({
  kdf: z.literal("scrypt"),
  /** scrypt cost; bounded so a crafted document cannot make the importer allocate gigabytes. */
  N: z
    .number()
    .int()
    .min(1_024)
    .max(1_048_576)
    .refine((n) => (n & (n - 1)) === 0, "must be a power of two"),
  r: z.number().int().min(1).max(16),
  p: z.number().int().min(1).max(4),
  salt: base64,
  cipher: z.literal("aes-256-gcm"),
  nonce: base64,
  tag: base64,
  data: base64,
});

export type SecretsEnvelope = z.infer<typeof secretsEnvelopeSchema>;

const documentShapeSchema = z.strictObject({
  version: z.literal(CONFIG_DOCUMENT_VERSION),
  exportedAt: z.iso.datetime({ offset: true }).optional(),
  endpoints: z.array(endpointSchema).default([]),
  providers: z.array(providerSchema).default([]),
  groups: z.array(groupSchema).default([]),
  keywords: z.array(keywordSchema).default([]),
  settings: settingsPartSchema.default({}),
  apiKeys: z.array(apiKeySchema).default([]),
  secrets: secretsEnvelopeSchema.optional(),
});

export const configDocumentSchema = documentShapeSchema.superRefine(checkReferences);

export type ConfigDocument = z.output<typeof configDocumentSchema>;
export type DocumentEndpoint = ConfigDocument["endpoints"][number];
export type DocumentProvider = ConfigDocument["providers"][number];
export type DocumentGroup = ConfigDocument["groups"][number];
export type DocumentKeyword = ConfigDocument["keywords"][number];
export type DocumentApiKey = ConfigDocument["apiKeys"][number];

type Refinement = z.RefinementCtx;

function checkUnique(values: readonly string[], path: string, what: string, context: Refinement): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value))
      context.addIssue({ code: "custom", path: [path, index], message: `${what} "${value}" is listed twice` });
    seen.add(value);
  });
}

/** Unique names per kind, and every reference resolving inside the document. */
function checkReferences(doc: z.output<typeof documentShapeSchema>, context: Refinement): void {
  checkUnique(
    doc.endpoints.map((e) => e.name),
    "endpoints",
    "endpoint",
    context,
  );
  checkUnique(
    doc.providers.map((p) => p.name),
    "providers",
    "provider",
    context,
  );
  checkUnique(
    doc.groups.map((g) => g.name),
    "groups",
    "group",
    context,
  );
  // The dashboard treats keywords case-insensitively; so does matching on import.
  checkUnique(
    doc.keywords.map((k) => k.keyword.toLowerCase()),
    "keywords",
    "keyword",
    context,
  );

  const endpoints = new Set(doc.endpoints.map((e) => e.name));
  const providers = new Set(doc.providers.map((p) => p.name));
  const groups = new Set(doc.groups.map((g) => g.name));
  doc.providers.forEach((provider, index) => {
    if (!endpoints.has(provider.endpoint)) {
      context.addIssue({
        code: "custom",
        path: ["providers", index, "endpoint"],
        message: `no endpoint named "${provider.endpoint}" in the document`,
      });
    }
  });
  doc.groups.forEach((group, index) => {
    const members = new Set<string>();
    group.members.forEach((member, memberIndex) => {
      const path = ["groups", index, "members", memberIndex, "provider"];
      if (!providers.has(member.provider))
        context.addIssue({ code: "custom", path, message: `no provider named "${member.provider}" in the document` });
      if (members.has(member.provider))
        context.addIssue({ code: "custom", path, message: `provider "${member.provider}" is listed twice` });
      members.add(member.provider);
    });
  });
  const timeZone = doc.settings.timeZone;
  if (timeZone !== undefined && timeZone !== "" && !isValidTimeZone(timeZone)) {
    context.addIssue({
      code: "custom",
      path: ["settings", "timeZone"],
      message: `"${timeZone}" is not a known IANA time zone`,
    });
  }
  doc.apiKeys.forEach((key, index) => {
    key.groups.forEach((group, groupIndex) => {
      if (!groups.has(group)) {
        context.addIssue({
          code: "custom",
          path: ["apiKeys", index, "groups", groupIndex],
          message: `no group named "${group}" in the document`,
        });
      }
    });
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : `${out === "" ? "" : "."}${String(part)}`;
  return out === "" ? "document" : out;
}

/** One line: the first problem with its place in the document, and how many more there are. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const first = issues[0];
  if (!first) return "the document is not valid";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return `${formatPath(first.path)}: ${first.message}${more}`;
}

/**
 * Validates an already parsed JSON value. The version is checked first, so a document from a
 * newer release says so instead of listing every field this release does not know.
 */
export function parseConfigDocument(json: unknown): ConfigDocument {
  const version = typeof json === "object" && json !== null && "version" in json ? json.version : undefined;
  if (version !== CONFIG_DOCUMENT_VERSION) {
    throw new ConfigTransferError(
      "unsupported_version",
      version === undefined
        ? 'This is not a configuration document: it has no "version"'
        : `Unsupported configuration document version ${JSON.stringify(version)}; this server reads version ${CONFIG_DOCUMENT_VERSION}`,
    );
  }
  const parsed = configDocumentSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigTransferError(
      "invalid_document",
      `Invalid configuration document: ${describeIssues(parsed.error.issues)}`,
      {
        detail: formatPath(parsed.error.issues[0]?.path ?? []),
      },
    );
  }
  return parsed.data;
}

/** Parses the text of a document file. */
export function parseConfigDocumentText(text: string): ConfigDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "not JSON";
    throw new ConfigTransferError("invalid_document", `The configuration document is not valid JSON: ${reason}`);
  }
  return parseConfigDocument(json);
}
