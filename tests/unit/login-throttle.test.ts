import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isLoginThrottled, recordLoginFailure, recordLoginSuccess } from "../../lib/server/login-throttle";

// The throttle keeps its counts in module state: every test uses names and addresses of its own.

describe("login throttle", () => {
  it("refuses an account after five failures within the window, from any address", () => {
    const now = Date.now();
    for (let i = 0; i < 5; i += 1) {
      assert.equal(isLoginThrottled("alice", `198.51.100.${i}`, now), false);
      recordLoginFailure("alice", `198.51.100.${i}`, { isKnownAccount: true, now });
    }
    assert.equal(isLoginThrottled("alice", "203.0.113.99", now), true);
    assert.equal(isLoginThrottled("ALICE", "203.0.113.99", now), true, "names compare case-insensitively");
    assert.equal(isLoginThrottled("alice", "203.0.113.99", now + 15 * 60 * 1000 + 1), false, "until the window passes");
  });

  it("refuses an address after twenty failures, whatever names it tries", () => {
    const now = Date.now();
    for (let i = 0; i < 20; i += 1) recordLoginFailure(`nobody-${i}`, "192.0.2.50", { isKnownAccount: false, now });
    assert.equal(isLoginThrottled("bob", "192.0.2.50", now), true);
    assert.equal(isLoginThrottled("bob", "192.0.2.51", now), false);
  });

  it("a success clears the account's count but not the address's", () => {
    const now = Date.now();
    for (let i = 0; i < 5; i += 1) recordLoginFailure("carol", "192.0.2.60", { isKnownAccount: true, now });
    recordLoginSuccess("carol");
    assert.equal(isLoginThrottled("carol", "192.0.2.61", now), false);
  });

  it("keeps a throttled account throttled through a flood of failures for other names and addresses", () => {
    const now = Date.now();
    for (let i = 0; i < 5; i += 1) recordLoginFailure("admin", "203.0.113.1", { isKnownAccount: true, now });
    // An attacker rotating names and X-Forwarded-For values to overflow the tracking table.
    for (let i = 0; i < 30_000; i += 1)
      recordLoginFailure(`user-${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, {
        isKnownAccount: false,
        now,
      });
    assert.equal(isLoginThrottled("admin", "203.0.113.200", now), true);
  });
});
