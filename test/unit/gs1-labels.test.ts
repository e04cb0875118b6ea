/** GS1 element strings of lot and serial labels, and the reading of scanned codes (shared/domain/tracking/gs1.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { expiryDate, GS, gs1CheckDigit, gs1ElementString, type LabelContent, parseScannedCode, toGtin14 } from '#shared/domain/tracking/gs1.ts';

const NOW = new Date('2026-12-03T10:00:00Z');
/** The GS1 General Specifications' example GTIN. */
const GTIN = '09506000134352';

/** A valid GTIN-14: 13 digits and their check digit. */
const gtinArb = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 13, maxLength: 13 }).map((d) => `${d}${gs1CheckDigit(d)}`);
/** Lot and serial numbers GS1 can carry: set 82 without brackets, 1 to 20 characters. */
const SET_82 = `!"%&'*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
const numberArb = fc.string({ unit: fc.constantFrom(...SET_82), minLength: 1, maxLength: 20 });
/** Dates the two-digit year round-trips for in 2026: 1977 to 2076. */
const expiryArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2075-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('GTIN', () => {
  it('checks the check digit and pads GTIN-8, -12 and -13 to 14 digits', () => {
    assert.equal(toGtin14(GTIN), GTIN);
    assert.equal(toGtin14('9506000134352'), GTIN);
    assert.equal(toGtin14('4006381333931'), '04006381333931');
    assert.equal(toGtin14('96385074'), '00000096385074');
    assert.equal(toGtin14('09506000134353'), undefined, 'wrong check digit');
    assert.equal(toGtin14('123456789'), undefined, 'not a GTIN length');
    assert.equal(toGtin14('0950600013435X'), undefined);
  });
});

describe('GS1 element string of a label', () => {
  it('puts the fixed-length AIs first and a GS only between variable ones', () => {
    const lot = gs1ElementString({ gtin: GTIN, lot: 'ABC123', expiry: '2027-06-30' });
    assert.deepEqual(lot, { ok: true, hri: '(01)09506000134352(17)270630(10)ABC123', elementString: '01095060001343521727063010ABC123' });
    const serial = gs1ElementString({ gtin: '9506000134352', lot: 'L1', serial: 'SN-0001' });
    assert.deepEqual(serial, { ok: true, hri: '(01)09506000134352(10)L1(21)SN-0001', elementString: `0109506000134352${'10L1'}${GS}21SN-0001` });
  });

  it('refuses a lot number GS1 cannot carry, saying why', () => {
    const long = gs1ElementString({ gtin: GTIN, lot: 'FG-PUMP-100-261203-0001' });
    assert.deepEqual(long, { ok: false, problems: [{ field: 'lot', reason: 'the lot number has 23 characters; GS1 allows 20' }] });
    const spaced = gs1ElementString({ gtin: GTIN, serial: 'SN 1' });
    assert.deepEqual(spaced, { ok: false, problems: [{ field: 'serial', reason: 'the serial number has characters a GS1 label cannot carry' }] });
  });

  it('refuses without a valid GTIN (AI 10 and 21 go with AI 01), a lot or serial, or a real expiry date', () => {
    assert.deepEqual(gs1ElementString({ lot: 'L1' }), { ok: false, problems: [{ field: 'gtin', reason: 'the material has no GTIN' }] });
    const bad = gs1ElementString({ gtin: '09506000134353', expiry: '2026-02-30' });
    assert.equal(bad.ok, false);
    assert.deepEqual(!bad.ok && bad.problems.map((p) => p.field), ['gtin', 'lot', 'expiry']);
  });
});

describe('reading a scanned code', () => {
  it('reads a GS1 DataMatrix with its symbology identifier, a GS1-128, and the bracketed form', () => {
    const lot = { kind: 'lot', id: 'ABC123', gtin: GTIN, expiry: '2027-06-30' };
    assert.deepEqual(parseScannedCode(']d201095060001343521727063010ABC123', NOW), lot);
    assert.deepEqual(parseScannedCode(']C101095060001343521727063010ABC123\r\n', NOW), lot);
    assert.deepEqual(parseScannedCode('(01)09506000134352(17)270630(10)ABC123', NOW), lot);
    assert.deepEqual(parseScannedCode(`${GS}01095060001343521727063010ABC123`, NOW), lot, 'leading FNC1 shown as GS');
    assert.deepEqual(parseScannedCode('01095060001343521727063010ABC123', NOW), lot, 'no identifier (BarcodeDetector)');
  });

  it("reads a serial, its lot, and skips a supplier label's other AIs", () => {
    const text = `]C10109506000134352${'3103000189'}${'11261101'}10LOT-7${GS}21SN-42${GS}240PART-9`;
    assert.deepEqual(parseScannedCode(text, NOW), { kind: 'serial', id: 'SN-42', gtin: GTIN, lot: 'LOT-7' });
  });

  it('takes a bare number, typed or from a plain barcode, as a lot or serial to look up', () => {
    assert.deepEqual(parseScannedCode('  FG-PUMP-100-261203-0001\n', NOW), { kind: 'unknown', id: 'FG-PUMP-100-261203-0001' });
    assert.deepEqual(parseScannedCode(']C0LOT-1', NOW), { kind: 'unknown', id: 'LOT-1' });
    assert.deepEqual(parseScannedCode(']d1SN.000007', NOW), { kind: 'unknown', id: 'SN.000007' });
    assert.deepEqual(parseScannedCode('0109506000134352', NOW), { kind: 'unknown', id: '0109506000134352' }, 'a GTIN alone names no lot');
  });

  it('refuses what names no lot or serial, or does not check', () => {
    for (const text of [
      '',
      '   ',
      'LOT 1',
      ']d20109506000134352',
      ']d2010950600013435310ABC',
      '(01)09506000134352(17)261332(10)A',
      ']d2(99)x',
      ']d29',
      'ä',
    ]) {
      assert.equal(parseScannedCode(text, NOW), undefined, JSON.stringify(text));
    }
  });

  it('places the expiry year within 49 years back and 50 ahead, day 00 the last of the month', () => {
    assert.equal(expiryDate('991231', NOW), '1999-12-31');
    assert.equal(expiryDate('770101', NOW), '1977-01-01');
    assert.equal(expiryDate('760101', NOW), '2076-01-01');
    assert.equal(expiryDate('260200', NOW), '2026-02-28');
    assert.equal(expiryDate('280200', NOW), '2028-02-29');
    assert.equal(expiryDate('261301', NOW), undefined);
  });

  it('reads back every label it builds, in every form a scanner gives (property)', () => {
    const content = fc.record({ gtin: gtinArb, lot: numberArb, serial: numberArb, expiry: expiryArb }, { requiredKeys: ['gtin'] }) as fc.Arbitrary<
      LabelContent & { gtin: string }
    >;
    fc.assert(
      fc.property(content, fc.constantFrom(']d2', ']C1', ']Q3', GS, ''), fc.boolean(), (label, prefix, bracketed) => {
        fc.pre(label.lot !== undefined || label.serial !== undefined);
        const encoded = gs1ElementString(label);
        assert.ok(encoded.ok, JSON.stringify(encoded));
        const parsed = parseScannedCode(bracketed ? encoded.hri : `${prefix}${encoded.elementString}`, NOW);
        const serial = label.serial !== undefined;
        assert.deepEqual(parsed, {
          kind: serial ? 'serial' : 'lot',
          id: label.serial ?? label.lot,
          gtin: label.gtin,
          ...(label.expiry ? { expiry: label.expiry } : {}),
          ...(serial && label.lot !== undefined ? { lot: label.lot } : {}),
        });
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever it is given (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...`0123456789()]dC${GS}`) })), (text) => {
        const parsed = parseScannedCode(text, NOW);
        if (parsed) assert.ok(parsed.id.length > 0);
      }),
    );
  });
});
