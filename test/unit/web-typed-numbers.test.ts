/**
 * What an operator types into a quantity or a measured value is read whole or refused in words:
 * "12abc" is never 12, and never nothing (which a number input would hand over, read as 0).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDecimal, readQuantities } from '../../web/src/components/order-report-fields.tsx';

describe('numbers typed on the phone', () => {
  it('reads digits with a decimal point or comma', () => {
    assert.equal(parseDecimal('12'), 12);
    assert.equal(parseDecimal('12.5'), 12.5);
    assert.equal(parseDecimal('12,5'), 12.5);
    assert.equal(parseDecimal('.5'), 0.5);
    assert.equal(parseDecimal('-0.5', true), -0.5);
    assert.equal(parseDecimal('1e-12', true), 1e-12);
  });

  it('refuses anything else instead of reading part of it', () => {
    for (const text of ['12abc', 'abc', '0x10', '1.2.3', '12 5', '-1', '1e3', 'Infinity', '', ' ']) {
      assert.equal(parseDecimal(text), undefined, text);
    }
    for (const text of ['12abc', '0x10', '--1', 'NaN', '1e', '1e999']) assert.equal(parseDecimal(text, true), undefined, text);
  });

  it('says which quantity is wrong and what was typed', () => {
    assert.throws(() => readQuantities({ goodQty: '12abc' }), /Good quantity must be a number, 0 or more, such as 12 or 12\.5 \(you typed "12abc"\)/);
    assert.throws(() => readQuantities({ goodQty: '1', scrapQty: '-2' }), /Scrap quantity must be a number/);
    assert.deepEqual(readQuantities({ goodQty: ' 7 ', scrapQty: '' }), { goodQty: 7, scrapQty: 0 });
  });
});
