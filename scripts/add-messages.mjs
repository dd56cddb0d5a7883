#!/usr/bin/env node
// Merges a fragment `{ "en": {...}, "zh": {...}, "ja": {...}, "ko": {...} }` into
// messages/<locale>.json, namespace by namespace, under a lock so parallel edits never
// lose each other's strings. Usage: node scripts/add-messages.mjs fragment.json
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const [fragmentPath, locked] = process.argv.slice(2);

if (locked !== "--locked") {
  const result = spawnSync(
    "flock",
    [join(root, ".messages.lock"), process.execPath, new URL(import.meta.url).pathname, fragmentPath, "--locked"],
    {
      stdio: "inherit",
    },
  );
  process.exit(result.status ?? 1);
}

function merge(target, source) {
  for (const [key, value] of Object.entries(source)) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      target[key] = merge(target[key] && typeof target[key] === "object" ? target[key] : {}, value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

const fragment = JSON.parse(readFileSync(fragmentPath, "utf8"));
for (const locale of ["en", "zh", "ja", "ko"]) {
  if (!fragment[locale]) {
    console.error(`The fragment has no "${locale}" part; every string must exist in all four locales.`);
    process.exit(1);
  }
}
for (const [locale, messages] of Object.entries(fragment)) {
  const file = join(root, "messages", `${locale}.json`);
  const current = JSON.parse(readFileSync(file, "utf8"));
  writeFileSync(file, `${JSON.stringify(merge(current, messages), null, 2)}\n`);
}
console.log(`Merged ${fragmentPath} into messages/{${Object.keys(fragment).join(",")}}.json`);
