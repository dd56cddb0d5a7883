import { BlockList, isIP } from "node:net";
import { OutboundError } from "./outbound-error";

/**
 * Cloud metadata endpoints hand out instance credentials, so no outbound request may reach
 * them, whatever spelling the URL uses. Loopback and private ranges stay allowed on purpose:
 * operators run local model servers.
 */
const metadataAddresses = new BlockList();
// Link-local: AWS/GCP/Azure/OpenStack metadata at 169.254.169.254 and its neighbours.
metadataAddresses.addSubnet("169.254.0.0", 16, "ipv4");
// Alibaba Cloud metadata.
metadataAddresses.addAddress("100.100.100.200", "ipv4");
// AWS IMDS over IPv6, and IPv6 link-local in general.
metadataAddresses.addAddress("fd00:ec2::254", "ipv6");
metadataAddresses.addSubnet("fe80::", 10, "ipv6");
// IPv4 embedded in IPv6 (compatible, NAT64, 6to4); BlockList already matches ::ffff:a.b.c.d.
metadataAddresses.addSubnet("::a9fe:0", 112, "ipv6");
metadataAddresses.addAddress("::6464:64c8", "ipv6");
metadataAddresses.addSubnet("64:ff9b::a9fe:0", 112, "ipv6");
metadataAddresses.addAddress("64:ff9b::6464:64c8", "ipv6");
metadataAddresses.addSubnet("2002:a9fe::", 32, "ipv6");
metadataAddresses.addSubnet("2002:6464:64c8::", 48, "ipv6");

/** True for an IP literal that points at a metadata service; false for names and other IPs. */
export function isBlockedAddress(address: string): boolean {
  const zoneAt = address.indexOf("%");
  const bare = zoneAt === -1 ? address : address.slice(0, zoneAt);
  const family = isIP(bare);
  if (family === 0) return false;
  return metadataAddresses.check(bare, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Parses and checks a URL before any socket is opened: http(s) only, no credentials, no
 * metadata IP literal. The WHATWG parser already turns hex, octal and integer IPv4
 * spellings into dotted form. Names are checked again after DNS, at connect time.
 */
export function checkOutboundUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError("invalid_url");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new OutboundError("unsupported_scheme");
  if (url.username !== "" || url.password !== "") throw new OutboundError("credentials_in_url");
  if (isBlockedAddress(stripBrackets(url.hostname))) throw new OutboundError("address_blocked");
  return url;
}

export function stripBrackets(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}
