/**
 * A B2MML ProductionSchedule (MESA, http://www.mesa.org/xml/B2MML) as production-order upserts:
 * each ProductionRequest becomes what a production-order.upserted event would carry, every
 * problem reported at a pointer into the document (`/body/ProductionSchedule/ProductionRequest/0/ID`).
 *
 * XXE-safe: a document with a DOCTYPE is refused before parsing, and the parser runs with
 * processEntities: false, so no entity (internal or external) is ever expanded. The five
 * predefined XML entities and character references are decoded here, by a fixed table.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ProductionOrderUpsertedSchema, type ProductionOrderUpserted } from '../api/integration-schemas.ts';
import { BatchTooLargeError, DocumentTooLargeError, type FieldError, ValidationError } from '../domain/errors.ts';

/** 20 orders of at most 3 writes each, plus the receipt, stay well inside one 100-item transaction. */
export const MAX_PRODUCTION_REQUESTS = 20;
/**
 * What a ProductionSchedule of 20 requests needs, with room to spare (a real one is a few KB, a
 * few hundred elements, under 10 levels deep). Checked before any parser sees the document.
 */
export const XML_LIMITS = { bytes: 1024 * 1024, elements: 10_000, depth: 32 } as const;
const NAMESPACE = /^http:\/\/www\.mesa\.org\/xml\/B2MML(-V\d{4})?$/;
const ROOT = '/body/ProductionSchedule';
const LISTS = new Set(['ProductionRequest', 'SegmentRequirement', 'MaterialProducedRequirement', 'EquipmentRequirement', 'Quantity']);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  // Values stay text: an order number 00123 is not the number 123.
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
  isArray: (name) => LISTS.has(name),
  // Checked by assertWithinLimits first; this only keeps the parser's own limit in step.
  maxNestedTags: XML_LIMITS.depth + 1,
});

type Node = Record<string, unknown>;

export interface ScheduledOrder {
  data: ProductionOrderUpserted;
  /** Where each field came from in the document (or where it was expected). */
  pointer: (field: keyof ProductionOrderUpserted) => string;
}

export function parseProductionSchedule(xml: string): ScheduledOrder[] {
  const schedule = readDocument(xml);
  const requests = schedule.ProductionRequest;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw new ValidationError([{ pointer: `${ROOT}/ProductionRequest`, detail: 'a ProductionSchedule needs at least one ProductionRequest' }]);
  }
  if (requests.length > MAX_PRODUCTION_REQUESTS) {
    throw new BatchTooLargeError(`${ROOT}/ProductionRequest`, requests.length, MAX_PRODUCTION_REQUESTS, 'ProductionRequest elements');
  }
  const errors: FieldError[] = [];
  const orders: ScheduledOrder[] = [];
  const seen = new Map<string, number>();
  requests.forEach((request, i) => {
    const { candidate, pointers } = productionRequest(node(request), `${ROOT}/ProductionRequest/${i}`);
    const pointer = (field: keyof ProductionOrderUpserted) => pointers[field] ?? `${ROOT}/ProductionRequest/${i}/${field}`;
    const parsed = ProductionOrderUpsertedSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as keyof ProductionOrderUpserted | undefined;
        const time = field === 'earliestStartTime' || field === 'latestEndTime';
        errors.push({
          pointer: field ? pointer(field) : `${ROOT}/ProductionRequest/${i}`,
          detail: time && candidate[field] !== undefined ? 'must be an xs:dateTime with a time zone, e.g. 2030-01-10T16:00:00Z' : issue.message,
        });
      }
      return;
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined)
      errors.push({ pointer: pointer('id'), detail: `${parsed.data.id} is ProductionRequest ${first} already: one request per order and document` });
    seen.set(parsed.data.id, i);
    orders.push({ data: parsed.data, pointer });
  });
  if (errors.length) throw new ValidationError(errors);
  return orders;
}

function readDocument(xml: string): Node {
  if (/<!DOCTYPE/i.test(xml)) throw new ValidationError([{ pointer: '/body', detail: 'a DOCTYPE is not accepted (no DTDs, no entities)' }]);
  if (xml.trim() === '') throw new ValidationError([{ pointer: '/body', detail: 'is empty: send a B2MML ProductionSchedule document' }]);
  assertWithinLimits(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new ValidationError([{ pointer: '/body', detail: `is not well-formed XML: ${msg} (line ${line}${col ? `, column ${col}` : ''})` }]);
  }
  const root = rootElement(xml);
  if (root?.name !== 'ProductionSchedule') {
    throw new ValidationError([{ pointer: '/body', detail: `must be a B2MML ProductionSchedule document, not ${root?.name ?? 'empty'}` }]);
  }
  if (!root.namespace || !NAMESPACE.test(root.namespace)) {
    throw new ValidationError([
      {
        pointer: '/body/ProductionSchedule',
        detail: `must be in the B2MML namespace http://www.mesa.org/xml/B2MML, not ${root.namespace ?? 'no namespace'}`,
      },
    ]);
  }
  try {
    return node((parser.parse(xml) as Node).ProductionSchedule);
  } catch (error) {
    // The validator passed it and the limits hold, so this is the parser's own refusal.
    throw new ValidationError([{ pointer: '/body', detail: `could not be read as XML: ${(error as Error).message}` }]);
  }
}

/** Markup that holds no elements, by how it opens: where it closes and what it is called. */
const NON_ELEMENTS = [
  { open: '<!--', close: '-->', what: 'a comment' },
  { open: '<?', close: '?>', what: 'a processing instruction' },
  { open: '<![CDATA[', close: ']]>', what: 'a CDATA section' },
] as const;

/**
 * From a '<' at `at`: the index just after a comment, processing instruction or CDATA section
 * that starts there (-1 when it is never closed), or undefined when something else starts there.
 */
function skipNonElement(xml: string, at: number): number | undefined {
  const markup = NON_ELEMENTS.find(({ open }) => xml.startsWith(open, at));
  if (!markup) return undefined;
  const end = xml.indexOf(markup.close, at + markup.open.length);
  return end < 0 ? -1 : end + markup.close.length;
}

/** The index of the '>' that ends the tag opening at `at`, or of the '<' or end of text that cuts it short. */
function tagEnd(xml: string, at: number): number {
  let quote = '';
  let i = at + 1;
  // No tag holds a '<', not even in an attribute value: a scan stops there too.
  for (; i < xml.length && xml[i] !== '<'; i++) {
    const c = xml[i];
    if (quote) quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '>') break;
  }
  return i;
}

/**
 * Size, element count and depth, in one pass over the text and before any parser: a document
 * nested 20,000 deep or with a million elements is refused at once (413 for too much, 400 for
 * too deep), never handed to a parser that may give up in its own way. Scanned with indexOf,
 * no character looked at twice: linear whatever the text (a regex with a lazy terminator
 * rescans to the end for every unterminated comment).
 */
function assertWithinLimits(xml: string) {
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > XML_LIMITS.bytes) throw new DocumentTooLargeError('/body', `${bytes} bytes`, `${XML_LIMITS.bytes} bytes`, 'the document');
  let elements = 0;
  let depth = 0;
  let at = xml.indexOf('<');
  while (at !== -1) {
    const after = skipNonElement(xml, at);
    if (after !== undefined) {
      if (after < 0) {
        const { what } = NON_ELEMENTS.find(({ open }) => xml.startsWith(open, at)) as (typeof NON_ELEMENTS)[number];
        throw new ValidationError([{ pointer: '/body', detail: `is not well-formed XML: ${what} is never closed` }]);
      }
      at = xml.indexOf('<', after);
      continue;
    }
    const end = tagEnd(xml, at);
    if (xml[end] !== '>') {
      // Not a tag at all: the validator says what is wrong with it.
      at = end < xml.length ? end : -1;
      continue;
    }
    if (xml[at + 1] === '/') depth--;
    else if (/[A-Za-z_]/.test(xml[at + 1] ?? '')) {
      elements++;
      if (elements > XML_LIMITS.elements)
        throw new DocumentTooLargeError('/body', `more than ${XML_LIMITS.elements} elements`, `${XML_LIMITS.elements} elements`, 'the document');
      if (xml[end - 1] !== '/' && ++depth > XML_LIMITS.depth) {
        throw new ValidationError([
          { pointer: '/body', detail: `elements are nested more than ${XML_LIMITS.depth} levels deep; a ProductionSchedule needs far fewer` },
        ]);
      }
    }
    at = xml.indexOf('<', end + 1);
  }
}

/**
 * The root element's local name and namespace. The parser drops xmlns attributes with the
 * prefixes, so they are read from the (already validated) root start tag.
 */
function rootElement(xml: string): { name: string; namespace: string | undefined } | undefined {
  let at = xml.indexOf('<');
  // Past the prolog: the declaration, comments, processing instructions (the DOCTYPE was refused).
  for (let after = at < 0 ? undefined : skipNonElement(xml, at); after !== undefined; after = at < 0 ? undefined : skipNonElement(xml, at)) {
    at = after < 0 ? -1 : xml.indexOf('<', after);
  }
  if (at < 0) return undefined;
  const tag = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([\s\S]*)$/.exec(xml.slice(at, tagEnd(xml, at)));
  if (!tag) return undefined;
  const prefix = tag[1] ? `:${tag[1].slice(0, -1)}` : '';
  const attribute = (name: string) => {
    const found = new RegExp(`(?:^|\\s)${name.replace(/[.]/g, '\\.')}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(tag[3] ?? '');
    return found ? (found[2] ?? found[3]) : undefined;
  };
  return { name: tag[2] as string, namespace: attribute(`xmlns${prefix}`) };
}

const node = (v: unknown): Node => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {});
const list = (v: unknown): Node[] => (Array.isArray(v) ? v.map(node) : []);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** An element's text, with the predefined entities and character references decoded (nothing else). */
function text(v: unknown): string | undefined {
  const raw = Array.isArray(v) ? v[0] : v;
  const value = typeof raw === 'object' && raw !== null ? (raw as Node)['#text'] : raw;
  if (typeof value !== 'string' || value === '') return undefined;
  return value.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e.startsWith('#x')
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : (ENTITIES[e] as string),
  );
}

type Pointers = Partial<Record<keyof ProductionOrderUpserted, string>>;

/** One ProductionRequest as a production-order.upserted's data, before validation. */
function productionRequest(request: Node, base: string): { candidate: Record<string, unknown>; pointers: Pointers } {
  const candidate: Record<string, unknown> = {};
  const pointers: Pointers = {};
  const set = (field: keyof ProductionOrderUpserted, value: unknown, pointer: string) => {
    pointers[field] = pointer;
    if (value !== undefined) candidate[field] = value;
  };
  const segments = list(request.SegmentRequirement).map((s, i) => ({ s, at: `${base}/SegmentRequirement/${i}` }));
  const firstSegment = segments[0]?.at ?? `${base}/SegmentRequirement/0`;
  // The first place that has it: the request itself, then its segments in order.
  const find = (name: string) => {
    if (text(request[name]) !== undefined) return { value: text(request[name]), at: `${base}/${name}` };
    const hit = segments.find(({ s }) => text(s[name]) !== undefined);
    return hit ? { value: text(hit.s[name]), at: `${hit.at}/${name}` } : undefined;
  };

  set('id', text(request.ID), `${base}/ID`);
  const priority = text(request.Priority);
  set('priority', priority === undefined ? undefined : /^-?\d+$/.test(priority) ? Number(priority) : priority, `${base}/Priority`);
  const rule = find('ProductProductionRuleID') ?? find('OperationsDefinitionID');
  set('operationsDefinitionId', rule?.value, rule?.at ?? `${base}/ProductProductionRuleID`);

  const produced = [
    ...list(request.MaterialProducedRequirement).map((m, i) => ({ m, at: `${base}/MaterialProducedRequirement/${i}` })),
    ...segments.flatMap(({ s, at }) => list(s.MaterialProducedRequirement).map((m, i) => ({ m, at: `${at}/MaterialProducedRequirement/${i}` }))),
  ][0] ?? { m: {}, at: `${firstSegment}/MaterialProducedRequirement/0` };
  const quantity = node(list(produced.m.Quantity)[0]);
  const quantityAt = `${produced.at}/Quantity/0`;
  set('materialDefinitionId', text(produced.m.MaterialDefinitionID), `${produced.at}/MaterialDefinitionID`);
  const amount = text(quantity.QuantityString);
  set(
    'quantity',
    amount !== undefined && amount.trim() !== '' && Number.isFinite(Number(amount)) ? Number(amount) : amount,
    `${quantityAt}/QuantityString`,
  );
  set('unitOfMeasure', text(quantity.UnitOfMeasure), `${quantityAt}/UnitOfMeasure`);

  const equipment = [
    ...list(request.EquipmentRequirement).map((e, i) => ({ e, at: `${base}/EquipmentRequirement/${i}` })),
    ...segments.flatMap(({ s, at }) => list(s.EquipmentRequirement).map((e, i) => ({ e, at: `${at}/EquipmentRequirement/${i}` }))),
  ][0];
  if (equipment) set('equipmentId', text(equipment.e.EquipmentID), `${equipment.at}/EquipmentID`);

  // The request's own StartTime/EndTime win; else the segments' earliest start and latest end.
  const start =
    text(request.StartTime) !== undefined ? { value: text(request.StartTime), at: `${base}/StartTime` } : extreme(segments, 'EarliestStartTime', -1);
  if (start) set('earliestStartTime', start.value, start.at);
  const end = text(request.EndTime) !== undefined ? { value: text(request.EndTime), at: `${base}/EndTime` } : extreme(segments, 'LatestEndTime', 1);
  set('latestEndTime', end?.value, end?.at ?? `${firstSegment}/LatestEndTime`);
  return { candidate, pointers };
}

/** The earliest (-1) or latest (1) time of the segments; an unreadable one is returned to be reported. */
function extreme(segments: { s: Node; at: string }[], name: string, sign: 1 | -1) {
  let best: { value: string; at: string; t: number } | undefined;
  for (const { s, at } of segments) {
    const value = text(s[name]);
    if (value === undefined) continue;
    const t = Date.parse(value);
    if (Number.isNaN(t)) return { value, at: `${at}/${name}` };
    if (!best || sign * (t - best.t) > 0) best = { value, at: `${at}/${name}`, t };
  }
  return best;
}
