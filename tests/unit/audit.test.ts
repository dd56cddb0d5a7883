import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AuditEntry } from "../../db/queries/audit-log";
import { auditCsvHeader, auditCsvRow } from "../../lib/audit/csv";
import { diffAuditSnapshots } from "../../lib/audit/diff";
import { auditSearchParams, parseAuditSearch, toAuditFilters } from "../../lib/audit/filters";
import { describeAuditChanges } from "../../lib/audit/format";
import { isSecretName, maskSecrets } from "../../lib/audit/mask";
import type { AuditObject, AuditSnapshot } from "../../lib/audit/snapshot";

const snapshot = (...objects: AuditObject[]): AuditSnapshot =>
  new Map(objects.map((object) => [`${object.kind}:${object.id ?? ""}`, object]));

describe("audit masking", () => {
  it("masks names ending in a secret word and keeps the rest readable", () => {
    for (const name of [
      "apiKey",
      "metricsToken",
      "x-api-key",
      "Authorization",
      "webhook_secret",
      "password",
      "keyHash",
    ])
      assert.equal(isSecretName(name), true, name);
    for (const name of ["firstTokenTimeoutMs", "keyPrefix", "name", "baseUrl", "OpenAI-Organization", "tpm"])
      assert.equal(isSecretName(name), false, name);
  });

  it("masks at any depth and leaves an empty secret empty", () => {
    assert.deepEqual(maskSecrets("extraHeaders", { "x-api-key": "abc", accept: "json" }), {
      "x-api-key": "••••",
      accept: "json",
    });
    assert.equal(maskSecrets("metricsToken", ""), "");
    assert.equal(maskSecrets("metricsToken", "t0ken"), "••••");
  });
});

describe("audit diff", () => {
  const provider = (fields: Record<string, unknown>): AuditObject => ({
    kind: "provider",
    id: "7",
    name: String(fields.name),
    fields,
  });

  it("lists only the changed fields of an update, with creates and deletes in full", () => {
    const entries = diffAuditSnapshots(
      snapshot(provider({ name: "p", priceInput: 1, enabled: true }), {
        kind: "keyword",
        id: "1",
        name: "gone",
        fields: { keyword: "gone" },
      }),
      snapshot(provider({ name: "p", priceInput: 2, enabled: true }), {
        kind: "group",
        id: "3",
        name: "chat",
        fields: { name: "chat" },
      }),
    );
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.targetName, entry.changes]),
      [
        ["provider.update", "p", { priceInput: { before: 1, after: 2 } }],
        ["group.create", "chat", { name: { before: null, after: "chat" } }],
        ["keyword.delete", "gone", { keyword: { before: "gone", after: null } }],
      ],
    );
  });

  it("records nothing when nothing changed", () => {
    const same = snapshot(provider({ name: "p", limits: { rpm: 5 } }));
    assert.deepEqual(diffAuditSnapshots(same, snapshot(provider({ name: "p", limits: { rpm: 5 } }))), []);
  });

  it("shows a replaced secret as changed without its value", () => {
    const endpoint = (apiKey: string): AuditObject => ({ kind: "endpoint", id: "1", name: "e", fields: { apiKey } });
    const [entry] = diffAuditSnapshots(snapshot(endpoint("digest-a")), snapshot(endpoint("digest-b")));
    assert.deepEqual(entry?.changes, { apiKey: { before: "••••", after: "••••" } });
  });
});

describe("audit filters, lines and CSV", () => {
  it("drops a bad parameter, keeps the rest, and reads times in the dashboard's zone", () => {
    const { search, invalid } = parseAuditSearch(
      new URLSearchParams({ kind: "provider", actor: " admin ", from: "2026-12-01T10:00", to: "bad", before: "42" }),
    );
    assert.deepEqual(invalid, ["to"]);
    assert.deepEqual(search, { kind: "provider", actor: "admin", from: "2026-12-01T10:00", before: 42 });
    assert.deepEqual(toAuditFilters(search, "Asia/Tokyo"), {
      kind: "provider",
      actor: "admin",
      from: Date.UTC(2026, 11, 1, 1, 0),
    });
    assert.equal(auditSearchParams(search, null).toString(), "actor=admin&kind=provider&from=2026-12-01T10%3A00");
  });

  it("describes changes as field: before → after", () => {
    const changes = { priceInput: { before: 1, after: 2 }, kinds: { before: [], after: ["chat"] } };
    assert.deepEqual(describeAuditChanges("provider.update", changes), ["priceInput: 1 → 2", 'kinds: [] → ["chat"]']);
    assert.deepEqual(describeAuditChanges("group.create", { name: { before: null, after: "chat" } }), ["name: chat"]);
  });

  it("writes one CSV row per entry with formulas neutralized", () => {
    const entry: AuditEntry = {
      id: 1,
      at: Date.UTC(2026, 11, 8, 12, 0, 0),
      actor: "=admin",
      source: "dashboard",
      ip: "203.0.113.7",
      userAgent: "UA, with comma",
      action: "keyword.create",
      targetKind: "keyword",
      targetId: "1",
      targetName: "quota",
      changes: { keyword: { before: null, after: "quota" } },
    };
    assert.equal(
      auditCsvHeader(),
      "time_utc,time_local,actor,source,ip,user_agent,action,target_kind,target_id,target,changes\r\n",
    );
    assert.equal(
      auditCsvRow(entry, "Asia/Tokyo"),
      `2026-12-08T12:00:00.000Z,2026-12-08 21:00:00,'=admin,dashboard,203.0.113.7,"UA, with comma",keyword.create,keyword,1,quota,keyword: quota\r\n`,
    );
  });
});
