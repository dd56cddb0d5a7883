import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI, { BadRequestError } from "openai";
import { startGateway, waitForLogRow, type Gateway } from "../support/seed";

// Legacy text completions with the official SDK: passthrough, streaming with the usage chunk,
// failover on an error status and on a failure keyword in the text, bad input named by field.

describe("legacy completions", () => {
  let gw: Gateway;
  let key: string;
  let client: OpenAI;

  before(async () => {
    gw = await startGateway({
      async seed(s) {
        await s.group("complete", [{ model: "cp-main", priceInput: 2, priceOutput: 8 }, "cp-backup"]);
        await s.keyword("quota exhausted");
        key = await s.key("autocomplete", { groups: ["complete"] });
      },
    });
    client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  });

  after(async () => {
    await gw?.stop();
  });

  it("passes a completion through with only model replaced, usage and cost logged", async () => {
    gw.mock.setBehavior("cp-main", { text: "return a + b;", usage: { prompt_tokens: 12, completion_tokens: 5 } });
    const raw = '{"model":"complete","prompt":"function add(a, b) {","max_tokens":16,"suffix":"}"}';
    const response = await gw.send("POST", "/v1/completions", raw, { key });
    assert.equal(response.status, 200);
    const body = JSON.parse(response.body) as OpenAI.Completion;
    assert.equal(body.object, "text_completion");
    assert.equal(body.choices[0]!.text, "return a + b;");
    const call = gw.mock.callsFor("cp-main").at(-1)!;
    assert.equal(call.path, "/v1/completions");
    assert.equal(call.rawBody, raw.replace('"model":"complete"', '"model":"cp-main"'));
    const row = await waitForLogRow(gw.db, response.requestId!);
    assert.deepEqual([row.api, row.promptTokens, row.completionTokens], ["completions", 12, 5]);
    assert.ok(Math.abs(row.cost - (12 * 2 + 5 * 8) / 1e6) < 1e-15);
  });

  it("streams text chunks to the SDK, with the usage chunk when asked", async () => {
    gw.mock.setBehavior("cp-main", { chunks: ["one", " two", " three"] });
    const stream = await client.completions.create({
      model: "complete",
      prompt: "Count:",
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "one two three");
    assert.ok(usage && usage.completion_tokens > 0);
  });

  it("fails over on an error status and on a failure keyword in the text, streaming or not", async () => {
    gw.mock.setBehavior("cp-main", { status: 503 });
    gw.mock.setBehavior("cp-backup", { text: "from the backup" });
    const first = await client.completions.create({ model: "complete", prompt: "Hi" });
    assert.equal(first.choices[0]!.text, "from the backup");

    gw.mock.setBehavior("cp-main", { chunks: ["Sorry, quota exhausted", " today"] });
    gw.mock.setBehavior("cp-backup", { chunks: ["clean", " text"] });
    const stream = await client.completions.create({ model: "complete", prompt: "Hi", stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    assert.equal(text, "clean text", "nothing of the keyword answer reached the client");
    gw.mock.setBehavior("cp-main", {});
  });

  it("refuses a body without a usable prompt with OpenAI's 400 naming the field", async () => {
    for (const prompt of [undefined, [], { text: "x" }]) {
      await assert.rejects(
        client.completions.create({
          model: "complete",
          prompt,
        } as unknown as OpenAI.CompletionCreateParamsNonStreaming),
        (error: unknown) => {
          assert.ok(error instanceof BadRequestError);
          assert.equal(error.param, "prompt");
          return true;
        },
      );
    }
  });
});
