import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { isConfigTransferError } from "../../lib/config-transfer";
import { readUploadedSource } from "../../lib/config-transfer/sources/upload";
import { NICEAPI_DDL, niceApiRows } from "../support/niceapi-fixture";

let dir = "";
const uploadFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith("import-upload-"));

before(() => {
  dir = mkdtempSync(join(tmpdir(), "upload-test-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

it("reads an uploaded NiceAPI database from a temporary file and deletes it afterwards", async () => {
  const path = join(dir, "api_server.db");
  const db = new Database(path);
  for (const statement of [...NICEAPI_DDL, ...niceApiRows("https://upstream.example.com/v1")]) db.exec(statement);
  db.close();
  const before = uploadFolders();
  const source = await readUploadedSource("niceapi", readFileSync(path));
  assert.deepEqual(
    source.document.providers.map((provider) => provider.name),
    ["main", "spare", "main (2)"],
  );
  assert.deepEqual(uploadFolders(), before);
});

it("deletes the temporary file when the upload is not a database, too", async () => {
  const before = uploadFolders();
  await assert.rejects(readUploadedSource("niceapi", Buffer.from("plain text, not SQLite\n".repeat(50))), (error) =>
    isConfigTransferError(error, "source_unreadable"),
  );
  assert.deepEqual(uploadFolders(), before);
});

it("reads an uploaded LiteLLM config.yaml, refusing unknown keys by code", async () => {
  const yaml = "model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_key: sk-x\n";
  const source = await readUploadedSource("litellm", Buffer.from(yaml));
  assert.deepEqual(
    source.document.groups.map((group) => group.name),
    ["m"],
  );
  await assert.rejects(readUploadedSource("litellm", Buffer.from(`${yaml}routers: {}\n`)), (error) =>
    isConfigTransferError(error, "source_unknown_keys"),
  );
});
