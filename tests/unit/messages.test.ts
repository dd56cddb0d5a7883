import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { locales } from "../../app/_framework/i18n/routing";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [inner, text] of flatten(value, path)) out.set(inner, text);
  }
  return out;
}

function load(locale: string): Map<string, string> {
  return flatten(JSON.parse(readFileSync(new URL(`../../messages/${locale}.json`, import.meta.url), "utf8")) as Tree);
}

function collectArguments(elements: MessageFormatElement[], out: Set<string>): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    out.add(element.value);
    if (element.type === TYPE.select || element.type === TYPE.plural) {
      for (const option of Object.values(element.options)) collectArguments(option.value, out);
    }
    if (element.type === TYPE.tag) collectArguments(element.children, out);
  }
  return out;
}

const placeholders = (text: string) => [...collectArguments(parse(text), new Set())].sort();

describe("messages", () => {
  const english = load("en");
  for (const locale of locales.filter((code) => code !== "en")) {
    it(`${locale} has every key of en.json, and no other`, () => {
      const messages = load(locale);
      const missing = [...english.keys()].filter((key) => !messages.has(key));
      const extra = [...messages.keys()].filter((key) => !english.has(key));
      assert.deepEqual(missing, [], `missing in ${locale}.json`);
      assert.deepEqual(extra, [], `not in en.json but in ${locale}.json`);
    });

    it(`${locale} keeps every placeholder of en.json and has no empty text`, () => {
      const messages = load(locale);
      for (const [key, text] of english) {
        const translated = messages.get(key) ?? "";
        assert.ok(translated.trim().length > 0, `${locale}: ${key} is empty`);
        assert.deepEqual(placeholders(translated), placeholders(text), `${locale}: ${key} placeholders differ`);
      }
    });
  }
});
