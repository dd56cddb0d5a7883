/**
 * Failed-login throttle, in memory, per account and per client address: after MAX_FAILURES
 * within WINDOW_MS for an account (or MAX_FAILURES × 4 from an address) further attempts are
 * refused until the window passes. A success clears the account's record (not the address's:
 * one correct guess must not unlock brute force of other names from the same address).
 *
 * Only existing accounts are tracked by name, so their table stays as small as the number of
 * admins: a flood of failures for invented names (or forged X-Forwarded-For values) can never
 * push a throttled account out. The address table is bounded by evicting its oldest entries.
 */
const MAX_FAILURES = 5;
const ADDRESS_MAX_FAILURES = MAX_FAILURES * 4;
const WINDOW_MS = 15 * 60 * 1000;
const MAX_TRACKED_ADDRESSES = 10_000;

const accountFailures = new Map<string, number[]>();
const addressFailures = new Map<string, number[]>();

function recent(table: Map<string, number[]>, key: string, now: number): number[] {
  const times = (table.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
  if (times.length === 0) table.delete(key);
  else table.set(key, times);
  return times;
}

function accountKey(username: string): string {
  return username.toLowerCase();
}

export function isLoginThrottled(username: string, address: string, now = Date.now()): boolean {
  return (
    recent(accountFailures, accountKey(username), now).length >= MAX_FAILURES ||
    recent(addressFailures, address, now).length >= ADDRESS_MAX_FAILURES
  );
}

export function recordLoginFailure(
  username: string,
  address: string,
  options: { isKnownAccount: boolean; now?: number },
): void {
  const now = options.now ?? Date.now();
  if (options.isKnownAccount)
    accountFailures.set(accountKey(username), [...recent(accountFailures, accountKey(username), now), now]);
  const times = [...recent(addressFailures, address, now), now];
  // Re-inserted last, so the map's order is oldest activity first.
  addressFailures.delete(address);
  addressFailures.set(address, times);
  for (const oldest of addressFailures.keys()) {
    if (addressFailures.size <= MAX_TRACKED_ADDRESSES) break;
    addressFailures.delete(oldest);
  }
}

export function recordLoginSuccess(username: string): void {
  accountFailures.delete(accountKey(username));
}
