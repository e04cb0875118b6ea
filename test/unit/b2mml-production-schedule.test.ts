/**
 * B2MML ProductionSchedule documents as production-order upserts: the mapping of each element,
 * pointers into the document for every problem, the 20-request limit, and no entity expansion.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BatchTooLargeError, DocumentTooLargeError, type MesError, ValidationError } from '#shared/domain/errors.ts';
import { MAX_PRODUCTION_REQUESTS, parseProductionSchedule, XML_LIMITS } from '#shared/integration/b2mml.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/b2mml/${name}`, import.meta.url), 'utf8');
const NS = 'http://www.mesa.org/xml/B2MML';
const REQ = '/body/ProductionSchedule/ProductionRequest';

const request = (inner: string) => `<ProductionRequest>${inner}</ProductionRequest>`;
const schedule = (...requests: string[]) => `<?xml version="1.0"?><ProductionSchedule xmlns="${NS}">${requests.join('')}</ProductionSchedule>`;
const complete = (id = 'PO-1') =>
  request(
    `<ID>${id}</ID><ProductProductionRuleID>RT-1</ProductProductionRuleID><SegmentRequirement><LatestEndTime>2030-01-10T16:00:00Z</LatestEndTime>` +
      '<MaterialProducedRequirement><MaterialDefinitionID>FG-1</MaterialDefinitionID><Quantity><QuantityString>5</QuantityString></Quantity></MaterialProducedRequirement></SegmentRequirement>',
  );

function refused(xml: string): MesError & { errors: { pointer: string; detail: string }[] } {
  try {
    parseProductionSchedule(xml);
  } catch (error) {
    return error as MesError & { errors: { pointer: string; detail: string }[] };
  }
  assert.fail('the document was accepted');
}
const pointers = (error: { errors: { pointer: string }[] }) => error.errors.map((e) => e.pointer);

describe('B2MML production schedule', () => {
  it('maps each ProductionRequest of a prefixed document onto a production order', () => {
    // Act
    const orders = parseProductionSchedule(fixture('production-schedule.xml'));
    // Assess
    assert.deepEqual(
      orders.map((o) => o.data),
      [
        {
          id: 'PO-4711',
          materialDefinitionId: 'FG-PUMP',
          quantity: 250,
          unitOfMeasure: 'ea',
          operationsDefinitionId: 'RT-PUMP',
          equipmentId: 'wc-assembly',
          earliestStartTime: '2030-01-07T06:00:00Z',
          latestEndTime: '2030-01-10T16:00:00Z',
          priority: 100,
        },
        {
          id: 'PO-4712',
          materialDefinitionId: 'FG-PUMP',
          quantity: 40,
          unitOfMeasure: 'ea',
          operationsDefinitionId: 'RT-QUICK',
          latestEndTime: '2030-01-14T16:00:00+01:00',
        },
      ],
    );
    assert.equal(orders[0]?.pointer('equipmentId'), `${REQ}/0/SegmentRequirement/0/EquipmentRequirement/0/EquipmentID`);
    assert.equal(orders[1]?.pointer('materialDefinitionId'), `${REQ}/1/SegmentRequirement/0/MaterialProducedRequirement/0/MaterialDefinitionID`);
  });

  it('reads request-level StartTime/EndTime and OperationsDefinitionID, and keeps order numbers as text', () => {
    const [order] = parseProductionSchedule(fixture('production-schedule-default-namespace.xml'));
    assert.deepEqual(order?.data, {
      id: '000815',
      materialDefinitionId: 'FG-PUMP',
      quantity: 12,
      operationsDefinitionId: 'RT-QUICK',
      earliestStartTime: '2030-02-01T06:00:00Z',
      latestEndTime: '2030-02-03T14:00:00Z',
      priority: 7,
    });
    assert.equal(order?.pointer('operationsDefinitionId'), `${REQ}/0/OperationsDefinitionID`);
  });

  it('takes the earliest start and the latest end over several segments', () => {
    const seg = (start: string, end: string) =>
      `<SegmentRequirement><EarliestStartTime>${start}</EarliestStartTime><LatestEndTime>${end}</LatestEndTime></SegmentRequirement>`;
    const xml = schedule(
      request(
        '<ID>PO-9</ID><ProductProductionRuleID>RT-1</ProductProductionRuleID><MaterialProducedRequirement><MaterialDefinitionID>FG-1</MaterialDefinitionID><Quantity><QuantityString>1</QuantityString></Quantity></MaterialProducedRequirement>' +
          seg('2030-01-02T00:00:00Z', '2030-01-05T00:00:00Z') +
          seg('2030-01-01T00:00:00Z', '2030-01-09T00:00:00Z'),
      ),
    );
    const [order] = parseProductionSchedule(xml);
    assert.equal(order?.data.earliestStartTime, '2030-01-01T00:00:00Z');
    assert.equal(order?.data.latestEndTime, '2030-01-09T00:00:00Z');
    assert.equal(order?.pointer('latestEndTime'), `${REQ}/0/SegmentRequirement/1/LatestEndTime`);
  });

  it('decodes the predefined entities in values', () => {
    const xml = schedule(complete('PO-1').replace('</QuantityString>', '</QuantityString><UnitOfMeasure>m&#179; &amp; &#x2113;</UnitOfMeasure>'));
    const [order] = parseProductionSchedule(xml);
    assert.equal(order?.data.unitOfMeasure, 'm³ & ℓ');
  });

  it('reports every missing or invalid field at its place in the document', () => {
    const error = refused(
      schedule(
        request('<Priority>high</Priority><SegmentRequirement><LatestEndTime>2030-01-10T16:00:00</LatestEndTime></SegmentRequirement>'),
        request(
          '<ID>PO-2</ID><ProductProductionRuleID>RT-1</ProductProductionRuleID><SegmentRequirement><LatestEndTime>2030-01-10T16:00:00Z</LatestEndTime><MaterialProducedRequirement><MaterialDefinitionID>FG-1</MaterialDefinitionID><Quantity><QuantityString>-3</QuantityString></Quantity></MaterialProducedRequirement></SegmentRequirement>',
        ),
      ),
    );
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(
      new Set(pointers(error)),
      new Set([
        `${REQ}/0/ID`,
        `${REQ}/0/Priority`,
        `${REQ}/0/ProductProductionRuleID`,
        `${REQ}/0/SegmentRequirement/0/MaterialProducedRequirement/0/MaterialDefinitionID`,
        `${REQ}/0/SegmentRequirement/0/MaterialProducedRequirement/0/Quantity/0/QuantityString`,
        `${REQ}/0/SegmentRequirement/0/LatestEndTime`,
        `${REQ}/1/SegmentRequirement/0/MaterialProducedRequirement/0/Quantity/0/QuantityString`,
      ]),
    );
    assert.match(error.errors.find((e) => e.pointer.endsWith('LatestEndTime'))?.detail ?? '', /time zone/);
  });

  it('refuses the same order twice in one document', () => {
    const error = refused(schedule(complete('PO-1'), complete('PO-1')));
    assert.deepEqual(pointers(error), [`${REQ}/1/ID`]);
  });

  it(`refuses more than ${MAX_PRODUCTION_REQUESTS} requests, naming the limit`, () => {
    const error = refused(schedule(...Array.from({ length: MAX_PRODUCTION_REQUESTS + 1 }, (_, i) => complete(`PO-${i}`))));
    assert.ok(error instanceof BatchTooLargeError);
    assert.equal(error.status, 413);
    assert.match(error.message, /at most 20/);
    assert.equal(parseProductionSchedule(schedule(...Array.from({ length: MAX_PRODUCTION_REQUESTS }, (_, i) => complete(`PO-${i}`)))).length, 20);
  });

  it('refuses XML that is not well-formed, not a ProductionSchedule, or not in the B2MML namespace', () => {
    for (const [xml, pointer, detail] of [
      ['<ProductionSchedule><ProductionRequest></ProductionSchedule>', '/body', /well-formed/],
      ['', '/body', /empty/],
      [`<ProductionPerformance xmlns="${NS}"/>`, '/body', /ProductionSchedule document, not ProductionPerformance/],
      ['<ProductionSchedule xmlns="urn:other"><ProductionRequest/></ProductionSchedule>', '/body/ProductionSchedule', /namespace/],
      [`<ProductionSchedule xmlns="${NS}"></ProductionSchedule>`, `${REQ}`, /at least one/],
    ] as const) {
      const error = refused(xml);
      assert.ok(error instanceof ValidationError, xml);
      assert.equal(error.errors[0]?.pointer, pointer, xml);
      assert.match(error.errors[0]?.detail ?? '', detail, xml);
    }
  });

  it('never expands entities: a DOCTYPE is refused before parsing (XXE, billion laughs)', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><ProductionSchedule xmlns="${NS}"><ProductionRequest><ID>&x;</ID></ProductionRequest></ProductionSchedule>`;
    const error = refused(xxe);
    assert.match(error.errors[0]?.detail ?? '', /DOCTYPE/);
    // An undeclared entity stays text, and then is not a valid id.
    const plain = refused(schedule(complete('&x;')));
    assert.deepEqual(pointers(plain), [`${REQ}/0/ID`]);
  });

  it('measures a document before parsing it: too big or too many elements is a 413, too deep a 400', () => {
    const deep = (n: number) => schedule(`${'<X>'.repeat(n)}1${'</X>'.repeat(n)}${complete()}`);
    for (const [xml, type, detail] of [
      [deep(20_000), ValidationError, /nested more than 32 levels/],
      [schedule(`<Note>${'x'.repeat(XML_LIMITS.bytes)}</Note>${complete()}`), DocumentTooLargeError, /bytes/],
      [schedule(`${'<N/>'.repeat(XML_LIMITS.elements)}${complete()}`), DocumentTooLargeError, /elements/],
    ] as const) {
      const error = refused(xml);
      assert.ok(error instanceof type, `${xml.slice(0, 80)}: ${error.name}`);
      assert.match(error.message, detail);
    }
    // Nesting within the limit is read as before.
    assert.equal(parseProductionSchedule(deep(XML_LIMITS.depth - 3)).length, 1);
  });

  it('refuses markup that is never closed, in one pass however much of it there is', () => {
    // Each unclosed comment once made a regex rescan the whole rest of the document.
    for (const [open, what] of [
      ['<!--', /comment/],
      ['<?', /processing instruction/],
      ['<![CDATA[', /CDATA/],
    ] as const) {
      const error = refused(`<ProductionSchedule xmlns="${NS}">${open.repeat(Math.floor((XML_LIMITS.bytes - 100) / open.length))}`);
      assert.ok(error instanceof ValidationError);
      assert.match(error.message, what);
    }
  });
});
