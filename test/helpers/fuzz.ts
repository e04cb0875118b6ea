/**
 * Requests for property-based fuzzing, generated from the contract: each route's zod schemas
 * as JSON Schema (what OpenAPI publishes, z.toJSONSchema) turned into fast-check arbitraries.
 * Values are mostly valid, so requests get past validation into the services; where hostile,
 * a node is replaced by a value chosen to break storage, parsing or key building (numbers
 * DynamoDB cannot store, far timestamps, huge or deep structures, wrong types).
 */
import fc from 'fast-check';
import * as z from 'zod/mini';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  /** shared/api/numbers.ts: the decimals a number may have. */
  'x-decimal-places'?: number;
  default?: unknown;
}

interface Defs {
  [name: string]: JsonSchema;
}

/** The JSON Schema of a zod schema, as the OpenAPI document gets it, with its $defs. */
export function jsonSchemaOf(schema: z.ZodMiniType): { root: JsonSchema; defs: Defs } {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', reused: 'inline' }) as JsonSchema & {
    $defs?: Defs;
  };
  const { $defs = {}, ...root } = json;
  return { root, defs: $defs };
}

const deep = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

/** Numbers a JSON body can carry that a store, a sum or a key may not survive. */
export const HOSTILE_NUMBERS = [
  5e-324,
  -5e-324,
  1e-131,
  1e-7,
  1.000000001,
  0.1 + 0.2,
  // biome-ignore lint/correctness/noPrecisionLoss: more digits than a double holds, on purpose.
  123456789.123456789,
  -0,
  -1,
  1e9,
  1e9 + 1,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e21,
  1e126,
  1e308,
  -1e308,
  Number.MAX_VALUE,
];
/** Strings that look like times, keys, paths or numbers, or are too much of something. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  '1e308',
  '12abc',
  'NaN',
  'null',
  'true',
  '{}',
  '[]',
  '#',
  'T#1#x',
  '../..',
  '%00',
  '\u0000',
  '\ud800',
  '🦄',
  'a'.repeat(300),
  'x'.repeat(5_000),
  '9999-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00.000Z',
  '1969-12-31T23:59:59Z',
  '2030-02-30T00:00:00Z',
  '2030-01-01T00:00:00',
  '2030-01-01T00:00:00.123456789+14:00',
  '+275760-09-13T00:00:00Z',
  '2030-01-01',
  '24:00',
  'Europe/Nowhere',
];
const HOSTILE_OTHER: unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [null],
  JSON.parse('{"__proto__":{"admin":true}}'),
  { constructor: { prototype: 1 } },
  deep(20),
  deep(1_000),
];

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_OTHER) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
);

export interface ArbitraryOptions {
  defs: Defs;
  /** 0: only valid values; otherwise the weight of a hostile value against 10 of a valid one, at every node. */
  hostility: number;
  /** Known values by property name (ids that exist, reason codes), preferred when a property has that name. */
  pools?: Record<string, readonly unknown[]>;
}

/** An arbitrary for values of a JSON Schema. */
export function arbitraryOf(schema: JsonSchema, options: ArbitraryOptions, name?: string): fc.Arbitrary<unknown> {
  const valid = validOf(schema, options, name);
  if (!options.hostility) return valid;
  return fc.oneof({ weight: 10, arbitrary: valid }, { weight: options.hostility, arbitrary: hostileValue });
}

function validOf(schema: JsonSchema, options: ArbitraryOptions, name: string | undefined): fc.Arbitrary<unknown> {
  const pool = name ? options.pools?.[name] : undefined;
  const own = shapeOf(schema, options);
  return pool?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: own }) : own;
}

function shapeOf(schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const def = options.defs[schema.$ref.replace('#/$defs/', '')];
    if (!def) throw new Error(`no $def for ${schema.$ref}`);
    return shapeOf(def, options);
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => arbitraryOf(s, options)));
  if (schema.allOf?.[0]) return shapeOf(schema.allOf[0], options);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return objectOf(schema, options);
    case 'array': {
      const item = schema.items ? arbitraryOf(schema.items, options) : fc.jsonValue();
      return fc.array(item, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, Math.max(schema.minItems ?? 0, 4)) });
    }
    case 'string':
      return stringOf(schema);
    case 'integer':
    case 'number':
      return numberOf(schema, type === 'integer');
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectOf(schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, property] of Object.entries(properties)) record[key] = arbitraryOf(property, options, key);
  const fixed = fc.record(record, { requiredKeys: Object.keys(properties).filter((k) => required.has(k)) });
  const extra = schema.additionalProperties;
  if (Object.keys(properties).length === 0 && extra && typeof extra === 'object') {
    const keys = schema.propertyNames ? stringOf(schema.propertyNames) : fc.string({ minLength: 1, maxLength: 10 });
    return fc.dictionary(keys as fc.Arbitrary<string>, arbitraryOf(extra, options), { maxKeys: 4 });
  }
  if (!options.hostility) return fixed;
  // Now and then a key the contract does not know, or a required one left out.
  return fc.oneof(
    { weight: 8, arbitrary: fixed },
    {
      weight: 1,
      arbitrary: fc.tuple(fixed, fc.string({ minLength: 1, maxLength: 8 }), hostileValue).map(([o, k, v]) => ({ ...(o as object), [k]: v })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fixed, fc.constantFrom('', ...required)).map(([o, k]) => {
        const { [k]: _, ...rest } = o as Record<string, unknown>;
        return rest;
      }),
    },
  );
}

const LATEST = Date.UTC(2200, 0, 1);
const EARLIEST = Date.UTC(1990, 0, 1);

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'date-time') {
    return fc.oneof(
      { weight: 6, arbitrary: fc.date({ min: new Date(EARLIEST), max: new Date(LATEST), noInvalidDate: true }).map((d) => d.toISOString()) },
      { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
      { weight: 1, arbitrary: fc.stringMatching(new RegExp(schema.pattern ?? '^.*$')) },
    );
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, 200);
  if (schema.pattern)
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= minLength && s.length <= (schema.maxLength ?? Infinity));
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
}

function numberOf(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const bounded =
    schema.minimum !== undefined || schema.exclusiveMinimum !== undefined || schema.maximum !== undefined || schema.exclusiveMaximum !== undefined;
  const min = schema.minimum ?? schema.exclusiveMinimum ?? -Number.MAX_VALUE;
  const max = schema.maximum ?? schema.exclusiveMaximum ?? Number.MAX_VALUE;
  const inRange = (n: number) =>
    n >= min &&
    n <= max &&
    (schema.exclusiveMinimum === undefined || n > schema.exclusiveMinimum) &&
    (schema.exclusiveMaximum === undefined || n < schema.exclusiveMaximum);
  // What the schema allows at its edges: the bounds, the smallest steps past them, and the
  // numbers a store cannot keep that the schema may still let through.
  const edges = [min, max, min + Number.MIN_VALUE, max - 1e-7, 0, Number.MIN_VALUE, 1e-7, 0.5, 1, ...HOSTILE_NUMBERS].filter(
    (n) => Number.isFinite(n) && inRange(n),
  );
  if (integer) {
    const lo = Math.ceil(Math.max(min, Number.MIN_SAFE_INTEGER));
    const hi = Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER));
    const whole = edges.filter(Number.isInteger);
    return fc
      .oneof(
        { weight: 4, arbitrary: fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, Math.max(lo, -(2 ** 31)) + 1000) }) },
        {
          weight: 1,
          arbitrary: whole.length ? fc.constantFrom(...whole) : fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, 2 ** 31) }),
        },
      )
      .filter(inRange);
  }
  const plainMin = Math.ceil(Math.max(min, -1e6) * 100);
  const plainMax = Math.floor(Math.min(max, 1e6) * 100);
  // A step (multipleOf, or the contract's decimal places) is honoured by the valid values; the edges ignore it on purpose.
  const places = schema['x-decimal-places'];
  const step = schema.multipleOf ?? (places === undefined ? undefined : 10 ** -places);
  const onStep = (n: number) => (step ? Number((Math.round(n / step) * step).toFixed(Math.max(0, -Math.floor(Math.log10(step))))) : n);
  return fc
    .oneof(
      // Mostly plain figures (whole, or with two decimals), as people type them...
      { weight: 4, arbitrary: plainMax >= plainMin ? fc.integer({ min: plainMin, max: plainMax }).map((n) => onStep(n / 100)) : fc.constant(min) },
      // ...then the edges, and any double the schema lets through.
      { weight: 2, arbitrary: edges.length ? fc.constantFrom(...edges) : fc.constant(min) },
      { weight: bounded ? 1 : 2, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map(onStep) },
    )
    .filter(inRange);
}
