/**
 * Where the MES may send webhooks (SSRF rules, docs/webhooks.md). A webhook URL is chosen by a
 * tenant's admin, and the MES then POSTs to it from inside the cloud: without these rules it
 * could be pointed at the instance metadata service, a VPC-internal service or another
 * tenant's local receiver. So:
 * - https only; http only to loopback, and loopback only where the runtime allows it (locally);
 * - no address that is, or whose name resolves to, a private, loopback, link-local (cloud
 *   metadata 169.254.169.254), unspecified, shared (CGNAT), multicast or reserved address,
 *   also when spelled as an IPv4-mapped, NAT64 or 6to4 IPv6 address.
 * Checked when an endpoint is created or changed, and again at every connection through the
 * HTTP client's `lookup` hook, so a name that resolves elsewhere later (DNS rebinding) is
 * refused too.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface UrlPolicy {
  /** Loopback addresses (127/8, ::1) allowed: only the local runtime says so. */
  allowLoopback: boolean;
}

type Family = 'ipv4' | 'ipv6';
interface Range {
  network: string;
  prefix: number;
  family: Family;
  why: string;
}

const LOOPBACK = 'a loopback address';
const RANGES: readonly Range[] = [
  { network: '0.0.0.0', prefix: 8, family: 'ipv4', why: 'an unspecified ("this network") address' },
  { network: '10.0.0.0', prefix: 8, family: 'ipv4', why: 'a private address' },
  { network: '100.64.0.0', prefix: 10, family: 'ipv4', why: 'a shared (carrier-grade NAT) address' },
  { network: '127.0.0.0', prefix: 8, family: 'ipv4', why: LOOPBACK },
  { network: '169.254.0.0', prefix: 16, family: 'ipv4', why: 'a link-local address (where cloud instance metadata lives)' },
  { network: '172.16.0.0', prefix: 12, family: 'ipv4', why: 'a private address' },
  { network: '192.0.0.0', prefix: 24, family: 'ipv4', why: 'a reserved address (IETF protocol assignments)' },
  { network: '192.0.2.0', prefix: 24, family: 'ipv4', why: 'a reserved address (documentation)' },
  { network: '192.88.99.0', prefix: 24, family: 'ipv4', why: 'a reserved address (6to4 relay)' },
  { network: '192.168.0.0', prefix: 16, family: 'ipv4', why: 'a private address' },
  { network: '198.18.0.0', prefix: 15, family: 'ipv4', why: 'a reserved address (benchmarking)' },
  { network: '198.51.100.0', prefix: 24, family: 'ipv4', why: 'a reserved address (documentation)' },
  { network: '203.0.113.0', prefix: 24, family: 'ipv4', why: 'a reserved address (documentation)' },
  { network: '224.0.0.0', prefix: 4, family: 'ipv4', why: 'a multicast address' },
  { network: '240.0.0.0', prefix: 4, family: 'ipv4', why: 'a reserved address (incl. broadcast)' },
  { network: '::', prefix: 128, family: 'ipv6', why: 'the unspecified address' },
  { network: '::1', prefix: 128, family: 'ipv6', why: LOOPBACK },
  { network: '::', prefix: 96, family: 'ipv6', why: 'a reserved address (IPv4-compatible)' },
  { network: '100::', prefix: 64, family: 'ipv6', why: 'a reserved address (discard)' },
  { network: '2001:db8::', prefix: 32, family: 'ipv6', why: 'a reserved address (documentation)' },
  { network: 'fc00::', prefix: 7, family: 'ipv6', why: 'a private (unique local) address' },
  { network: 'fe80::', prefix: 10, family: 'ipv6', why: 'a link-local address' },
  { network: 'fec0::', prefix: 10, family: 'ipv6', why: 'a reserved address (site-local)' },
  { network: 'ff00::', prefix: 8, family: 'ipv6', why: 'a multicast address' },
];

/** One BlockList per reason, so a refusal can say why. */
const LISTS: readonly { list: BlockList; why: string }[] = RANGES.map((r) => {
  const list = new BlockList();
  list.addSubnet(r.network, r.prefix, r.family);
  return { list, why: r.why };
});

/** IPv6 forms that carry an IPv4 address: mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96), 6to4 (2002::/16). */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return v4(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4(g6, g7);
  if (g0 === 0x2002) return v4(g1, g2);
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (with an optional dotted IPv4 tail). */
function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest === undefined ? [] : rest ? rest.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return undefined;
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
  return groups.some((g) => Number.isNaN(g)) ? undefined : groups;
}

/** Why the MES may not send to this IP address, or undefined when it may. */
export function blockedAddressReason(address: string, policy: UrlPolicy): string | undefined {
  const version = isIP(address);
  if (version === 0) return `${address} is not an IP address`;
  if (version === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) {
      const why = blockedAddressReason(v4, policy);
      return why && `${address} (${v4}) ${why.slice(why.indexOf(' is ') + 1)}`;
    }
  }
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  const hit = LISTS.find(({ list }) => list.check(address, family));
  if (!hit || (hit.why === LOOPBACK && policy.allowLoopback)) return undefined;
  return `${address} is ${hit.why}${hit.why === LOOPBACK ? ' (not allowed here)' : ''}`;
}

export const isLoopbackAddress = (address: string): boolean => blockedAddressReason(address, { allowLoopback: false })?.includes(LOOPBACK) === true;

/** URL hostnames wrap IPv6 literals in brackets. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;
const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Why an endpoint URL is refused (one sentence for the problem's `/body/url` error), or
 * undefined when it is allowed. Resolves the host name: every address it resolves to must be
 * allowed.
 */
export async function urlRefusal(raw: string, policy: UrlPolicy, resolve: Resolve = systemResolve): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be https, not ${url.protocol.slice(0, -1)}`;
  if (url.username || url.password) return 'must not carry a user name or password (it would be shown to everyone who reads the endpoint)';
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await resolve(host)).map((a) => a.address);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return `host ${host} does not resolve${code ? ` (${code})` : ''}`;
    }
    if (addresses.length === 0) return `host ${host} does not resolve`;
  }
  for (const address of addresses) {
    const why = blockedAddressReason(address, policy);
    if (why) return isIP(host) ? `must not point at ${why}` : `host ${host} resolves to ${why}`;
  }
  if (url.protocol === 'http:' && !addresses.every(isLoopbackAddress)) {
    return policy.allowLoopback ? 'must be https (http is allowed only to loopback here)' : 'must be https';
  }
  return undefined;
}
