import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBodyTemplate } from "../../../lib/gateway/json-model-edit";

const render = (text: string, isStream = false, usage = true) =>
  createBodyTemplate(text, isStream).render("up/m", usage);

describe("byte-exact body edits", () => {
  it("replaces only the top-level model, keeping numbers, escapes, order and spacing as written", () => {
    const text =
      '{ "seed":12345678901234567890, "temperature":1.0,\n  "model" : "group-a",' +
      '"messages":[{"role":"user","content":"caf\\u00e9 \\"model\\": \\ud83d\\ude00"}],"z":1e400,"a":-0.0}';
    const out = render(text);
    assert.equal(out, text.replace('"group-a"', '"up/m"'));
    assert.ok(out.includes("12345678901234567890") && out.includes("1.0") && out.includes("\\u00e9"));
  });

  it("ignores model keys nested in other values or inside strings", () => {
    const text = '{"metadata":{"model":"x"},"tools":[{"model":"y"}],"note":"\\"model\\":\\"z\\"","model":"g"}';
    assert.equal(render(text), text.replace('"model":"g"', '"model":"up/m"'));
  });

  it("edits the last of repeated model keys, the one JSON.parse validated", () => {
    const text = '{"model":"first","model":"second"}';
    assert.equal(render(text), '{"model":"first","model":"up/m"}');
  });

  it("finds a model key written with escapes", () => {
    assert.equal(render('{"mod\\u0065l":"g","n":1}'), '{"mod\\u0065l":"up/m","n":1}');
  });

  it("escapes the upstream model as JSON", () => {
    assert.equal(createBodyTemplate('{"model":"g"}', false).render('we"ird\\\n', true), '{"model":"we\\"ird\\\\\\n"}');
  });

  it("asks a stream for usage only when the client did not choose", () => {
    assert.equal(
      render('{"model":"g","stream":true}', true),
      '{"stream_options":{"include_usage":true},"model":"up/m","stream":true}',
    );
    assert.equal(
      render('{"model":"g","stream_options":null}', true),
      '{"model":"up/m","stream_options":{"include_usage":true}}',
    );
    assert.equal(
      render('{"model":"g","stream_options": { }}', true),
      '{"model":"up/m","stream_options": {"include_usage":true }}',
    );
    assert.equal(
      render('{"stream_options":{"x":1},"model":"g"}', true),
      '{"stream_options":{"include_usage":true,"x":1},"model":"up/m"}',
    );
    for (const choice of ["false", "true", "null"]) {
      const text = `{"model":"g","stream":true,"stream_options":{"include_usage":${choice}}}`;
      assert.equal(render(text, true), text.replace('"g"', '"up/m"'), `an explicit ${choice} is kept`);
      assert.equal(createBodyTemplate(text, true).addsUsage, false);
    }
  });

  it("adds nothing when the endpoint does not take usage requests, or the request is not a stream", () => {
    const text = '{"model":"g","stream":true}';
    assert.equal(render(text, true, false), '{"model":"up/m","stream":true}');
    assert.equal(render('{"model":"g"}', false, true), '{"model":"up/m"}');
  });

  it("renders every attempt from the same prepared edits", () => {
    const template = createBodyTemplate('{"model":"g","stream":true}', true);
    assert.equal(template.render("a", true), '{"stream_options":{"include_usage":true},"model":"a","stream":true}');
    assert.equal(template.render("b", false), '{"model":"b","stream":true}');
  });

  it("agrees with JSON.parse on generated bodies: backslash runs before quotes, brackets in strings, duplicate keys", () => {
    const pieces = ['"', "\\", "\\\\", '\\"', "{", "}", "[", "]", ",", ":", "model", "é", "\\u0022", " "];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const word = () => Array.from({ length: next(6) }, () => pieces[next(pieces.length)]).join("");
    const value = (depth: number): unknown => {
      const kind = next(depth > 2 ? 3 : 5);
      if (kind === 0) return word();
      if (kind === 1) return next(1000) - 500;
      if (kind === 2) return [null, true, false][next(3)];
      if (kind === 3) return Array.from({ length: next(4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: next(4) }, () => [word(), value(depth + 1)]));
    };
    for (let round = 0; round < 300; round++) {
      const members = Array.from(
        { length: 1 + next(5) },
        () => `${JSON.stringify(word())}:${JSON.stringify(value(0))}`,
      );
      members.splice(next(members.length + 1), 0, `"model":${JSON.stringify(word() || "g")}`);
      // Sometimes a second model key: JSON.parse keeps the last, and so must the edit.
      if (next(4) === 0) members.push(`"model" : ${JSON.stringify(word())}`);
      const text = `{${members.join(next(2) ? "," : " ,\n ")}}`;
      const expected = { ...(JSON.parse(text) as object), model: "up/m" };
      assert.deepEqual(JSON.parse(render(text)), expected, text);
    }
  });
});
