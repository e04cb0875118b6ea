/** The canonical form (RFC 8785) the audit chain and signatures hash (shared/domain/audit/canonical.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, contentHash, sha256Hex } from '#shared/domain/audit/canonical.ts';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts members by name, writes no whitespace and leaves undefined members out', () => {
    assert.equal(
      canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 0.5, y: undefined, ä: 'é' } }),
      '{"a":[true,null,"x"],"b":1,"c":{"z":0.5,"ä":"é"}}',
    );
  });

  it('writes numbers as RFC 8785 does (ECMAScript shortest form)', () => {
    // RFC 8785 appendix B examples.
    assert.equal(canonicalJson([1e21, 1e-7, 333333333.3333333, -0, 4.5, 0.000001]), '[1e+21,1e-7,333333333.3333333,0,4.5,0.000001]');
  });

  it('sorts by UTF-16 code units, as RFC 8785 section 3.2.3 shows', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const text = canonicalJson(input);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) => text.indexOf(`${JSON.stringify(k)}:`));
    assert.ok(order.every((at) => at > 0));
    assert.deepEqual(
      order,
      [...order].sort((x, y) => x - y),
    );
  });

  it('is the same for the same content whatever the member order, and parses back to it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        assert.equal(canonicalJson(JSON.parse(text)), text);
      }),
    );
  });

  it('hashes with SHA-256 as hex', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(contentHash({ b: 2, a: 1 }), sha256Hex('{"a":1,"b":2}'));
  });

  it('refuses what JSON cannot say', () => {
    assert.throws(() => canonicalJson(Number.NaN));
    assert.throws(() => canonicalJson(undefined));
  });
});
