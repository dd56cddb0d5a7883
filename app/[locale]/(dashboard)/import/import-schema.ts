import { z } from "zod";
import { ENDPOINT_PROTOCOLS, WORK_KINDS } from "@/db/schema";
import { MAX_PROVIDER_NAME_LENGTH } from "@/lib/importer/aliases";
import { MAX_LISTED_MODELS } from "@/lib/importer/fetch-models";
import { MAX_MODEL_ID_LENGTH } from "@/lib/importer/model-list";
import { MAX_IMPORT_ROWS } from "@/lib/importer/plan";
import { MAX_PRICE } from "@/lib/importer/prices";
import { createCredentialSchema } from "../credentials/credential-schema";

/*
 * What the importer's actions accept. Error messages are keys of the `Errors` namespace.
 * The endpoint's URL and key follow the endpoint form's own rules.
 */

export const MAX_NEW_GROUPS = 20;
export const MAX_RANK = 1_000_000;

const endpointProtocol = z.enum(ENDPOINT_PROTOCOLS, { error: "invalid" }).default("openai");

const id = z.number({ error: "notFound" }).int("notFound").positive("notFound");

export const fetchModelsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("existing"), credentialId: id }),
  // The URL's address is checked by the outbound client itself, so its refusal can be explained.
  z.object({
    kind: z.literal("new"),
    baseUrl: z.string({ error: "invalid" }).trim().min(1, "required").max(2_000, "tooLong"),
    apiKey: createCredentialSchema.shape.apiKey,
    protocol: endpointProtocol,
  }),
]);

/** As the groups page requires: clients send it exactly as `model`, so no outer spaces. */
const groupName = z
  .string({ error: "required" })
  .min(1, "required")
  .max(100, "tooLong")
  .refine((name) => name.trim() === name, "outerWhitespace")
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "invalid");

const rank = z.number({ error: "notANumber" }).int("notWholeNumber").min(1, "outOfRange").max(MAX_RANK, "outOfRange");
const price = z.number({ error: "notANumber" }).min(0, "outOfRange").max(MAX_PRICE, "outOfRange");

const rowSchema = z.object({
  name: z.string({ error: "invalid" }).trim().min(1, "required").max(MAX_PROVIDER_NAME_LENGTH, "tooLong"),
  upstreamModel: z.string({ error: "invalid" }).trim().min(1, "required").max(MAX_MODEL_ID_LENGTH, "tooLong"),
  prices: z.object({ input: price, output: price, cached: price }),
  kinds: z
    .array(z.enum(WORK_KINDS, { error: "invalid" }))
    .max(WORK_KINDS.length, "tooLong")
    .default([]),
});

export const importModelsSchema = z.object({
  endpoint: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("existing"), credentialId: id }),
    z.object({
      kind: z.literal("new"),
      name: createCredentialSchema.shape.name,
      baseUrl: createCredentialSchema.shape.baseUrl,
      apiKey: createCredentialSchema.shape.apiKey,
      protocol: endpointProtocol,
    }),
  ]),
  rows: z.array(rowSchema).min(1, "nothingToImport").max(MAX_IMPORT_ROWS, "tooManyRows"),
  onExisting: z.enum(["skip", "update"], { error: "invalid" }),
  groupIds: z.array(id).max(1_000, "tooLong"),
  newGroupNames: z.array(groupName).max(MAX_NEW_GROUPS, "tooLong"),
  priority: rank,
  weight: rank,
  listedModelIds: z.array(z.string().max(MAX_MODEL_ID_LENGTH)).max(MAX_LISTED_MODELS, "tooLong"),
});

export type ImportModelsInput = z.input<typeof importModelsSchema>;
