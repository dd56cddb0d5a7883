import dns from "node:dns";
import type { LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { isBlockedAddress } from "./address-policy";
import { OutboundError } from "./outbound-error";

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Wraps DNS so a name that resolves to a metadata address is refused before connecting.
 * If any answer is blocked the whole name is refused: a mixed answer is a rebinding smell.
 */
export function createCheckedLookup(base: LookupFunction = dns.lookup as LookupFunction): LookupFunction {
  const checked = (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    base(hostname, options, (error, address, family) => {
      if (error) {
        callback(error, address, family);
        return;
      }
      const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
      if (addresses.some(isBlockedAddress)) {
        callback(new OutboundError("address_blocked"), Array.isArray(address) ? [] : "", family);
        return;
      }
      callback(null, address, family);
    });
  };
  return checked as LookupFunction;
}

/**
 * The last line of defence: the address the socket really connected to (covers IP literals,
 * which skip DNS, and any resolver surprise). Returns the error to destroy the request with.
 */
export function verifyConnectedAddress(remoteAddress: string | undefined): OutboundError | null {
  return remoteAddress !== undefined && isBlockedAddress(remoteAddress) ? new OutboundError("address_blocked") : null;
}
