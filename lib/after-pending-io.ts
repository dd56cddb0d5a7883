/**
 * Runs `check` once the I/O that is already waiting has been handled. After the event loop
 * stalled (a burst of work, a GC pause), an expired timer runs before the socket events that
 * completed meanwhile; a deadline that looks again afterwards does not blame a provider whose
 * connection or answer is already here. setImmediate runs after the poll phase of the same
 * loop turn.
 */
export function afterPendingIo(check: () => void): void {
  setImmediate(check);
}
