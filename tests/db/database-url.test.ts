import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from "../../db/database-url";

const cwd = "/srv/app";

describe("parseDatabaseUrl", () => {
  it("defaults to ./api_server.db in the working directory when unset or blank", () => {
    assert.equal(DEFAULT_DATABASE_URL, "sqlite:///./api_server.db");
    const expected = { dialect: "sqlite", filename: "/srv/app/api_server.db" };
    assert.deepEqual(parseDatabaseUrl(undefined, cwd), expected);
    assert.deepEqual(parseDatabaseUrl("  ", cwd), expected);
    assert.deepEqual(parseDatabaseUrl(DEFAULT_DATABASE_URL, cwd), expected);
  });

  it("reads sqlite:/// with three slashes as relative to the working directory", () => {
    assert.deepEqual(parseDatabaseUrl("sqlite:///data/gw.db", cwd), {
      dialect: "sqlite",
      filename: "/srv/app/data/gw.db",
    });
  });

  it("reads sqlite://// with four slashes as an absolute path", () => {
    assert.deepEqual(parseDatabaseUrl("sqlite:////var/lib/gw.db", cwd), {
      dialect: "sqlite",
      filename: "/var/lib/gw.db",
    });
  });

  it("accepts plain file paths, relative or absolute", () => {
    assert.deepEqual(parseDatabaseUrl("./x.db", cwd), { dialect: "sqlite", filename: "/srv/app/x.db" });
    assert.deepEqual(parseDatabaseUrl("x.db", cwd), { dialect: "sqlite", filename: "/srv/app/x.db" });
    assert.deepEqual(parseDatabaseUrl("/abs/x.db", cwd), { dialect: "sqlite", filename: "/abs/x.db" });
  });

  it("keeps :memory: as an in-memory SQLite database", () => {
    assert.deepEqual(parseDatabaseUrl(":memory:", cwd), { dialect: "sqlite", filename: ":memory:" });
    assert.deepEqual(parseDatabaseUrl("sqlite:///:memory:", cwd), { dialect: "sqlite", filename: ":memory:" });
  });

  it("passes postgres:// and postgresql:// URLs through unchanged", () => {
    const url = "postgres://gw:secret@db.internal:5432/gateway?sslmode=require";
    assert.deepEqual(parseDatabaseUrl(url, cwd), { dialect: "postgres", connectionString: url });
    const alias = "postgresql://gw@db.internal/gateway";
    assert.deepEqual(parseDatabaseUrl(alias, cwd), { dialect: "postgres", connectionString: alias });
  });

  it("refuses other schemes, naming DATABASE_URL and the expected forms without echoing secrets", () => {
    assert.throws(
      () => parseDatabaseUrl("mysql://root:hunter2@localhost/gw", cwd),
      (error: Error) =>
        error.message.includes("DATABASE_URL") &&
        error.message.includes("mysql") &&
        error.message.includes("postgres://") &&
        error.message.includes("sqlite:///") &&
        !error.message.includes("hunter2"),
    );
  });

  it("refuses sqlite:// with two slashes and postgres URLs without a host", () => {
    assert.throws(() => parseDatabaseUrl("sqlite://x.db", cwd), /DATABASE_URL/);
    assert.throws(() => parseDatabaseUrl("postgres://", cwd), /DATABASE_URL/);
  });
});
