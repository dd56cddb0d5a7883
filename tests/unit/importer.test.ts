import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { aliasFor, checkProviderName, providerNameFor } from "../../lib/importer/aliases";
import { baseUrlCandidates, endpointNameFor, modelsUrl } from "../../lib/importer/base-url";
import { compileFilter, compilePattern, filterModelIds, splitKeywords } from "../../lib/importer/filters";
import { parseModelList } from "../../lib/importer/model-list";
import { computeImportPlan, type ImportRow } from "../../lib/importer/plan";
import { buildPreview, indexModels, toImportRows, type RowOverride } from "../../lib/importer/preview";
import { emptyPriceTexts, parsePrice, resolvePrices } from "../../lib/importer/prices";

const IDS = [
  "gpt-4o",
  "gpt-4o-mini",
  "text-embedding-3-small",
  "tts-1",
  "openai/gpt-4.1",
  "claude-3-5-sonnet",
  "whisper-1",
  "GPT-4-Turbo",
];
const plainAlias = { prefix: "", suffix: "", stripVendor: false };

describe("base URL normalisation", () => {
  it("accepts a base with or without /v1 and with or without a trailing slash", () => {
    assert.deepEqual(baseUrlCandidates("https://api.example.com"), {
      candidates: ["https://api.example.com/v1", "https://api.example.com"],
    });
    assert.deepEqual(baseUrlCandidates("https://api.example.com/"), {
      candidates: ["https://api.example.com/v1", "https://api.example.com"],
    });
    assert.deepEqual(baseUrlCandidates("https://api.example.com/v1"), { candidates: ["https://api.example.com/v1"] });
    assert.deepEqual(baseUrlCandidates("  https://api.example.com/v1//  "), {
      candidates: ["https://api.example.com/v1"],
    });
    assert.deepEqual(baseUrlCandidates("http://127.0.0.1:8000/v1/"), { candidates: ["http://127.0.0.1:8000/v1"] });
  });

  it("keeps other version paths and proxies' prefixes", () => {
    assert.deepEqual(baseUrlCandidates("https://openrouter.ai/api/v1"), {
      candidates: ["https://openrouter.ai/api/v1"],
    });
    assert.deepEqual(baseUrlCandidates("https://open.bigmodel.cn/api/paas/v4/"), {
      candidates: ["https://open.bigmodel.cn/api/paas/v4"],
    });
    assert.deepEqual(baseUrlCandidates("https://g.example/v1beta"), { candidates: ["https://g.example/v1beta"] });
    assert.deepEqual(baseUrlCandidates("https://proxy.example/openai"), {
      candidates: ["https://proxy.example/openai/v1", "https://proxy.example/openai"],
    });
  });

  it("strips a pasted endpoint path, query and fragment", () => {
    assert.deepEqual(baseUrlCandidates("https://api.example.com/v1/models"), {
      candidates: ["https://api.example.com/v1"],
    });
    assert.deepEqual(baseUrlCandidates("https://api.example.com/v1/chat/completions?x=1#top"), {
      candidates: ["https://api.example.com/v1"],
    });
  });

  it("refuses what is not an http(s) URL, and credentials in the URL", () => {
    assert.deepEqual(baseUrlCandidates("api.example.com"), { problem: "invalidUrl" });
    assert.deepEqual(baseUrlCandidates("ftp://api.example.com/v1"), { problem: "invalidUrl" });
    assert.deepEqual(baseUrlCandidates("javascript:alert(1)"), { problem: "invalidUrl" });
    assert.deepEqual(baseUrlCandidates("https://user:secret@api.example.com/v1"), { problem: "credentialsInUrl" });
  });

  it("builds the models URL and a default endpoint name", () => {
    assert.equal(modelsUrl("https://api.example.com/v1"), "https://api.example.com/v1/models");
    assert.equal(modelsUrl("https://api.example.com/v1/"), "https://api.example.com/v1/models");
    assert.equal(endpointNameFor("http://127.0.0.1:8000/v1"), "127.0.0.1:8000");
    assert.equal(endpointNameFor("https://api.example.com/v1"), "api.example.com");
  });
});

describe("models list parsing", () => {
  it("reads OpenAI's list, tolerating missing or odd owned_by and created", () => {
    const parsed = parseModelList({
      object: "list",
      data: [
        { id: "b-model", object: "model", created: 1_700_000_000, owned_by: "acme" },
        { id: "a-model" },
        { id: "c-model", owned_by: null, created: "yesterday", extra: { deep: true } },
      ],
    });
    assert.ok(parsed);
    assert.deepEqual(parsed.models, [
      { id: "a-model", ownedBy: null, created: null },
      { id: "b-model", ownedBy: "acme", created: 1_700_000_000 },
      { id: "c-model", ownedBy: null, created: null },
    ]);
    assert.equal(parsed.skippedEntries, 0);
  });

  it("accepts a bare array and skips entries without a usable id or listed twice", () => {
    const parsed = parseModelList([
      { id: "x" },
      { id: "x" },
      { name: "no-id" },
      { id: "" },
      { id: 42 },
      "text",
      { id: "bad\nid" },
      { id: "y".repeat(201) },
      { id: "  z  " },
    ]);
    assert.ok(parsed);
    assert.deepEqual(
      parsed.models.map((model) => model.id),
      ["x", "z"],
    );
    assert.equal(parsed.skippedEntries, 7);
  });

  it("returns null for anything that is not a model list", () => {
    assert.equal(parseModelList("<html>"), null);
    assert.equal(parseModelList({ error: { message: "nope" } }), null);
    assert.equal(parseModelList({ data: "nope" }), null);
    assert.equal(parseModelList(null), null);
    assert.deepEqual(parseModelList({ data: [] }), { models: [], skippedEntries: 0 });
  });
});

describe("filters", () => {
  it("includes by case-insensitive substring and drops several exclude keywords", () => {
    assert.deepEqual(filterModelIds(IDS, { include: "GPT", excludes: [], useRegex: false }), [
      "gpt-4o",
      "gpt-4o-mini",
      "openai/gpt-4.1",
      "GPT-4-Turbo",
    ]);
    assert.deepEqual(filterModelIds(IDS, { include: "gpt", excludes: ["MINI", "turbo"], useRegex: false }), [
      "gpt-4o",
      "openai/gpt-4.1",
    ]);
    assert.deepEqual(filterModelIds(IDS, { include: "", excludes: ["embedding", "tts", "whisper"], useRegex: false }), [
      "gpt-4o",
      "gpt-4o-mini",
      "openai/gpt-4.1",
      "claude-3-5-sonnet",
      "GPT-4-Turbo",
    ]);
  });

  it("treats regex characters literally in substring mode", () => {
    assert.deepEqual(filterModelIds(["a.b", "axb", "gpt-4(o)"], { include: "a.b", excludes: [], useRegex: false }), [
      "a.b",
    ]);
    assert.deepEqual(filterModelIds(["a.b", "axb", "gpt-4(o)"], { include: "(", excludes: [], useRegex: false }), [
      "gpt-4(o)",
    ]);
  });

  it("matches regular expressions case-insensitively in regex mode", () => {
    assert.deepEqual(filterModelIds(IDS, { include: "^(gpt|claude)", excludes: ["mini$"], useRegex: true }), [
      "gpt-4o",
      "claude-3-5-sonnet",
      "GPT-4-Turbo",
    ]);
  });

  it("reports patterns that do not compile instead of throwing, and ignores them", () => {
    const filter = compileFilter({ include: "gpt(", excludes: ["[", "mini", "  "], useRegex: true });
    assert.equal(filter.isIncludeInvalid, true);
    assert.deepEqual(filter.invalidExcludes, ["["]);
    const kept = IDS.filter((id) => filter.matches(id, id.toLowerCase()));
    assert.ok(!kept.includes("gpt-4o-mini"));
    assert.ok(kept.includes("whisper-1"));
    assert.equal(compilePattern("x".repeat(500)), null);
    assert.equal(compilePattern("(?<"), null);
  });

  it("splits typed or pasted keyword lists", () => {
    assert.deepEqual(splitKeywords(" embed, tts\n whisper ,,"), ["embed", "tts", "whisper"]);
  });
});

describe("aliases", () => {
  it("applies a prefix and suffix pattern, optionally without the vendor path", () => {
    assert.equal(aliasFor("gpt-4o", { prefix: "acme-", suffix: "", stripVendor: false }), "acme-gpt-4o");
    assert.equal(
      aliasFor("openai/gpt-4.1", { prefix: "or-", suffix: "-eu", stripVendor: false }),
      "or-openai/gpt-4.1-eu",
    );
    assert.equal(aliasFor("openai/gpt-4.1", { prefix: "or-", suffix: "", stripVendor: true }), "or-gpt-4.1");
    assert.equal(aliasFor("trailing/", { prefix: "", suffix: "", stripVendor: true }), "trailing/");
  });

  it("lets a per-row rename win unless it is blank", () => {
    const options = { prefix: "p-", suffix: "", stripVendor: false };
    assert.equal(providerNameFor("m", options, "  my-name  "), "my-name");
    assert.equal(providerNameFor("m", options, "   "), "p-m");
    assert.equal(providerNameFor("m", options, undefined), "p-m");
  });

  it("checks names like the providers form does", () => {
    assert.equal(checkProviderName("ok"), null);
    assert.equal(checkProviderName(" "), "required");
    assert.equal(checkProviderName("x".repeat(101)), "tooLong");
    assert.equal(checkProviderName("a\tb"), "invalid");
  });
});

describe("prices", () => {
  it("parses blank, numbers and refuses the rest", () => {
    assert.equal(parsePrice(""), null);
    assert.equal(parsePrice(" 2.5 "), 2.5);
    assert.equal(parsePrice("0"), 0);
    assert.equal(parsePrice("-1"), "invalid");
    assert.equal(parsePrice("abc"), "invalid");
    assert.equal(parsePrice("1000001"), "invalid");
  });

  it("uses a row's own price, then the bulk price, then 0", () => {
    assert.deepEqual(resolvePrices({ input: "3", output: "", cached: "" }, { input: "1", output: "2", cached: "" }), {
      input: 3,
      output: 2,
      cached: 0,
    });
    assert.deepEqual(resolvePrices(undefined, emptyPriceTexts), { input: 0, output: 0, cached: 0 });
    assert.equal(resolvePrices({ input: "x", output: "", cached: "" }, emptyPriceTexts), null);
    assert.equal(resolvePrices(undefined, { input: "", output: "-2", cached: "" }), null);
  });
});

describe("preview", () => {
  const models = indexModels(IDS);

  it("counts total, kept and excluded, and names kept rows by the pattern", () => {
    const preview = buildPreview(
      models,
      { include: "gpt", excludes: ["mini"], useRegex: false },
      { prefix: "acme-", suffix: "", stripVendor: true },
      new Map(),
    );
    assert.equal(preview.total, 8);
    assert.equal(preview.kept, 3);
    assert.equal(preview.excluded, 5);
    assert.deepEqual(
      preview.rows.filter((row) => row.isKept).map((row) => row.name),
      ["acme-gpt-4o", "acme-gpt-4.1", "acme-GPT-4-Turbo"],
    );
  });

  it("lets a per-row tick or untick win over the filters", () => {
    const overrides = new Map<string, RowOverride>([
      ["gpt-4o", { include: false }],
      ["whisper-1", { include: true, rename: "speech" }],
    ]);
    const preview = buildPreview(models, { include: "gpt", excludes: [], useRegex: false }, plainAlias, overrides);
    const kept = preview.rows.filter((row) => row.isKept);
    assert.deepEqual(
      kept.map((row) => row.name),
      ["gpt-4o-mini", "openai/gpt-4.1", "speech", "GPT-4-Turbo"],
    );
    const whisper = preview.rows.find((row) => row.id === "whisper-1");
    assert.deepEqual(whisper, { id: "whisper-1", passesFilter: false, isKept: true, name: "speech" });
  });

  it("turns kept rows into import rows with their prices, and names rows with bad prices", () => {
    const overrides = new Map<string, RowOverride>([
      ["gpt-4o", { prices: { input: "5", output: "", cached: "" } }],
      ["gpt-4o-mini", { prices: { input: "oops", output: "", cached: "" } }],
    ]);
    const preview = buildPreview(models, { include: "gpt-4o", excludes: [], useRegex: false }, plainAlias, overrides);
    const { rows, invalidPriceIds } = toImportRows(preview, overrides, { input: "1", output: "2", cached: "0.5" });
    assert.deepEqual(rows, [
      { name: "gpt-4o", upstreamModel: "gpt-4o", prices: { input: 5, output: 2, cached: 0.5 }, kinds: [] },
    ]);
    assert.deepEqual(invalidPriceIds, ["gpt-4o-mini"]);
  });

  it("stays fast with thousands of models", () => {
    const many = indexModels(
      Array.from(
        { length: 10_000 },
        (_, index) => `vendor-${index % 7}/model-${index}-${index % 3 === 0 ? "chat" : "embed"}`,
      ),
    );
    const started = performance.now();
    for (let run = 0; run < 20; run += 1) {
      buildPreview(
        many,
        { include: `model-${run}`, excludes: ["embed", "vendor-3"], useRegex: false },
        { prefix: "x-", suffix: "", stripVendor: true },
        new Map(),
      );
    }
    const perRun = (performance.now() - started) / 20;
    assert.ok(perRun < 50, `one recomputation took ${perRun.toFixed(1)} ms`);
  });
});

describe("import plan", () => {
  const price = { input: 1, output: 2, cached: 0 };
  const rows: ImportRow[] = [
    { name: "a", upstreamModel: "m-a", prices: price },
    { name: "b", upstreamModel: "m-b", prices: price },
    { name: "c", upstreamModel: "m-c", prices: price },
  ];

  it("creates new names and skips existing ones by default choice", () => {
    const plan = computeImportPlan(rows, new Set(["b"]), "skip");
    assert.deepEqual(
      plan.rows.map((row) => [row.name, row.action]),
      [
        ["a", "create"],
        ["b", "skip"],
        ["c", "create"],
      ],
    );
    assert.deepEqual(plan.counts, { create: 2, update: 0, skip: 1 });
    assert.equal(plan.problemCount, 0);
  });

  it("updates existing names when asked, comparing names exactly", () => {
    const plan = computeImportPlan(rows, new Set(["b", "C"]), "update");
    assert.deepEqual(plan.counts, { create: 2, update: 1, skip: 0 });
    assert.equal(plan.rows.find((row) => row.name === "c")?.action, "create");
  });

  it("flags every row of a name used twice, and invalid names", () => {
    const plan = computeImportPlan(
      [
        ...rows,
        { name: "a", upstreamModel: "m-a2", prices: price },
        { name: "x".repeat(101), upstreamModel: "m-long", prices: price },
      ],
      new Set(),
      "skip",
    );
    assert.equal(plan.problemCount, 3);
    assert.deepEqual(
      plan.rows.filter((row) => row.problem).map((row) => [row.upstreamModel, row.problem]),
      [
        ["m-a", "duplicateName"],
        ["m-a2", "duplicateName"],
        ["m-long", "tooLong"],
      ],
    );
  });
});
