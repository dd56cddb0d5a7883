import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ZodError } from "zod";
import { describeEnvError, parseEnv } from "../../lib/env";

function errorLine(env: Record<string, string>): string {
  try {
    parseEnv(env);
  } catch (error) {
    assert.ok(error instanceof ZodError);
    return describeEnvError(error);
  }
  assert.fail("expected the environment to be refused");
}

describe("environment", () => {
  it("fills every default when nothing is set", () => {
    const env = parseEnv({});
    assert.equal(env.DATABASE_URL, "sqlite:///./api_server.db");
    assert.equal(env.PORT, 8001);
    assert.equal(env.HOST, "0.0.0.0");
    assert.equal(env.ADMIN_USERNAME, "admin");
    assert.equal(env.ADMIN_PASSWORD, "password");
    assert.equal(env.AUTH_SECRET, undefined);
  });

  it("treats empty variables as unset", () => {
    assert.equal(parseEnv({ PORT: "" }).PORT, 8001);
  });

  it("accepts every documented DATABASE_URL form", () => {
    for (const url of [
      "sqlite:///./x.db",
      "sqlite:////tmp/x.db",
      "./x.db",
      "/tmp/x.db",
      "postgres://u@h:5432/db",
      "postgresql://u@h/db",
    ]) {
      assert.equal(parseEnv({ DATABASE_URL: url }).DATABASE_URL, url);
    }
  });

  it("refuses a bad DATABASE_URL with one line naming it and the expected form", () => {
    const line = errorLine({ DATABASE_URL: "mysql://root@localhost/db" });
    assert.match(line, /^Invalid DATABASE_URL: expected sqlite:/);
    assert.ok(!line.includes("\n"));
  });

  it("refuses a port out of range", () => {
    assert.match(errorLine({ PORT: "70000" }), /^Invalid PORT: expected a port number/);
  });

  it("takes WORKERS as a whole number of processes, 1 by default", () => {
    assert.equal(parseEnv({}).WORKERS, 1);
    assert.equal(parseEnv({ WORKERS: "4" }).WORKERS, 4);
    assert.match(errorLine({ WORKERS: "0" }), /^Invalid WORKERS: expected a whole number of processes/);
  });

  it("takes LOG_LEVEL as one of pino's levels, info by default", () => {
    assert.equal(parseEnv({}).LOG_LEVEL, "info");
    assert.equal(parseEnv({ LOG_LEVEL: "debug" }).LOG_LEVEL, "debug");
    assert.match(errorLine({ LOG_LEVEL: "verbose" }), /^Invalid LOG_LEVEL: expected fatal, error, warn, info, debug/);
  });

  it("refuses an encryption key that is not 32 bytes", () => {
    assert.match(errorLine({ ENCRYPTION_KEY: "short" }), /^Invalid ENCRYPTION_KEY: expected 32 bytes/);
    assert.equal(parseEnv({ ENCRYPTION_KEY: "b".repeat(64) }).ENCRYPTION_KEY, "b".repeat(64));
  });
});
