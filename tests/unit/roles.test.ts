import assert from "node:assert/strict";
import { it } from "node:test";
import { hasRole, parseRole, strongestRole } from "../../lib/roles";

it("an owner passes every role check, a viewer only the viewer check", () => {
  assert.equal(hasRole("owner", "admin"), true);
  assert.equal(hasRole("owner", "owner"), true);
  assert.equal(hasRole("admin", "owner"), false);
  assert.equal(hasRole("viewer", "admin"), false);
  assert.equal(hasRole("viewer", "viewer"), true);
});

it("reads an unknown stored role as viewer, never as a stronger one", () => {
  assert.equal(parseRole("admin"), "admin");
  assert.equal(parseRole("root"), "viewer");
  assert.equal(parseRole(undefined), "viewer");
});

it("picks the strongest of several roles", () => {
  assert.equal(strongestRole(["viewer", "owner", "admin"]), "owner");
  assert.equal(strongestRole([]), null);
});
