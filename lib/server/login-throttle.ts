/**
 * Failed-login throttle, in memory, per username and per client address: after
 * MAX_FAILURES within WINDOW_MS further attempts are refused until the window passes.
 * A success clears the username's record (not the address's: one correct guess
 * must not unlock brute force of other names from the same address).
 */
const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60 * 1000;
const MAX_TRACKED = 10_000;

const failures = new Map<string, number[]>();

function recent(key: string, now: number): number[] {
  const times = (failures.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
  if (times.length === 0) failures.delete(key);
  else failures.set(key, times);
  return times;
}

export function isLoginThrottled(username: string, address: string, now = Date.now()): boolean {
  return recent(`u:${username.toLowerCase()}`, now).length >= MAX_FAILURES || recent(`a:${address}`, now).length >= MAX_FAILURES * 4;
}

export function recordLoginFailure(username: string, address: string, now = Date.now()): void {
  if (failures.size > MAX_TRACKED) failures.clear();
  for (const key of [`u:${username.toLowerCase()}`, `a:${address}`]) {
    failures.set(key, [...recent(key, now), now]);
  }
}

export function recordLoginSuccess(username: string): void {
  failures.delete(`u:${username.toLowerCase()}`);
}
