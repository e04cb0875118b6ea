import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { blockedAddressReason, urlRefusal } from '#shared/integration/url-policy.ts';

const strict = { allowLoopback: false };
const local = { allowLoopback: true };
/** A resolver from a table: no DNS in unit tests. */
const resolver = (table: Record<string, string[]>) => async (host: string) => {
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('webhook URL policy (SSRF)', () => {
  const blocked: [string, RegExp][] = [
    ['10.0.0.1', /private/],
    ['172.16.5.4', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['127.0.0.1', /loopback/],
    ['127.9.9.9', /loopback/],
    ['169.254.169.254', /link-local.*metadata/],
    ['0.0.0.0', /unspecified/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['224.0.0.1', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /reserved/],
    ['192.0.2.10', /reserved/],
    ['198.18.0.1', /reserved/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fc00::1', /private/],
    ['fd12:3456::1', /private/],
    ['fe80::1', /link-local/],
    ['ff02::1', /multicast/],
    ['::ffff:10.0.0.1', /\(10\.0\.0\.1\) is a private/],
    ['::ffff:a9fe:a9fe', /\(169\.254\.169\.254\) is a link-local/],
    ['::ffff:127.0.0.1', /loopback/],
    ['64:ff9b::a00:1', /private/],
    ['2002:a9fe:a9fe::1', /link-local/],
    ['2001:db8::1', /reserved/],
  ];
  for (const [address, why] of blocked) {
    it(`refuses ${address}`, () => {
      assert.match(blockedAddressReason(address, strict) ?? 'allowed', why);
    });
  }

  it('allows public addresses', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(blockedAddressReason(address, strict), undefined, address);
    }
  });

  it('allows loopback only when the runtime allows it, and nothing else with it', () => {
    assert.equal(blockedAddressReason('127.0.0.1', local), undefined);
    assert.equal(blockedAddressReason('::1', local), undefined);
    assert.match(blockedAddressReason('10.0.0.1', local) ?? '', /private/);
    assert.match(blockedAddressReason('169.254.169.254', local) ?? '', /link-local/);
  });

  it('refuses every address of the private IPv4 ranges (property)', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.constant(10), octet, octet, octet),
          fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
          fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
          fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
          fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
          fc.tuple(fc.constant(127), octet, octet, octet),
        ),
        (parts) => {
          const v4 = parts.join('.');
          assert.ok(blockedAddressReason(v4, strict), v4);
          // The same address written as IPv4-mapped IPv6, in hex.
          const [a, b, c, d] = parts;
          const mapped = `::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
          assert.ok(blockedAddressReason(mapped, strict), mapped);
        },
      ),
    );
  });

  describe('URLs', () => {
    const resolve = resolver({
      'erp.example.com': ['93.184.215.14'],
      localhost: ['127.0.0.1', '::1'],
      'rebind.example.com': ['93.184.215.14', '10.1.2.3'],
      'metadata.example.com': ['169.254.169.254'],
    });
    const refusal = (url: string, policy = strict) => urlRefusal(url, policy, resolve);

    it('allows https to a public host', async () => {
      assert.equal(await refusal('https://erp.example.com/hooks'), undefined);
      assert.equal(await refusal('https://93.184.215.14:8443/hooks'), undefined);
    });

    it('refuses other protocols and plain http to the internet', async () => {
      assert.match((await refusal('ftp://erp.example.com/x')) ?? '', /must be https, not ftp/);
      assert.match((await refusal('http://erp.example.com/x')) ?? '', /must be https/);
      assert.match((await refusal('http://erp.example.com/x', local)) ?? '', /http is allowed only to loopback/);
    });

    it('refuses IP literals of internal networks, also in odd spellings', async () => {
      assert.match((await refusal('https://10.0.0.1/x')) ?? '', /must not point at 10\.0\.0\.1 is a private address/);
      assert.match((await refusal('https://169.254.169.254/latest/meta-data')) ?? '', /link-local/);
      assert.match((await refusal('https://0x7f.1/x')) ?? '', /loopback/);
      assert.match((await refusal('https://2130706433/x')) ?? '', /loopback/);
      assert.match((await refusal('https://[::ffff:169.254.169.254]/x')) ?? '', /link-local/);
      assert.match((await refusal('https://[::1]:8080/x')) ?? '', /loopback/);
    });

    it('refuses a host name when any of its addresses is internal', async () => {
      assert.match((await refusal('https://rebind.example.com/x')) ?? '', /host rebind\.example\.com resolves to 10\.1\.2\.3 is a private/);
      assert.match((await refusal('https://metadata.example.com/x')) ?? '', /169\.254\.169\.254/);
      assert.match((await refusal('https://localhost/x')) ?? '', /loopback/);
    });

    it('allows loopback, also over http, only when allowed', async () => {
      assert.equal(await refusal('http://127.0.0.1:8080/hooks', local), undefined);
      assert.equal(await refusal('http://localhost:8080/hooks', local), undefined);
      assert.match((await refusal('http://127.0.0.1:8080/hooks')) ?? '', /loopback/);
    });

    it('refuses hosts that do not resolve, credentials and non-URLs', async () => {
      assert.match((await refusal('https://nowhere.example.com/x')) ?? '', /does not resolve \(ENOTFOUND\)/);
      assert.match((await refusal('https://user:pw@erp.example.com/x')) ?? '', /user name or password/);
      assert.match((await refusal('not a url')) ?? '', /not a URL/);
    });
  });
});
