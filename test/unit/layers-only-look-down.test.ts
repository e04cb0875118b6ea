/**
 * Layers only look down: the domain imports nothing of the wire (shared/api), the storage
 * (shared/db), telemetry transport, integration, functions, infra or any AWS package, and the web
 * app never imports the storage layer. Scans every import, `import type` and `import()` in the
 * source, so a type-only dependency counts as much as a runtime one.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(e.name) ? [path] : [];
  });

/** Every module specifier a file names (comments removed first, so a mention in prose is no import). */
function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const m of code.matchAll(/\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)) found.push(m[1] as string);
  for (const m of code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1] as string);
  for (const m of code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) found.push(m[1] as string);
  return found;
}

/** Where a specifier points: a repository path for relative and `#` imports, else the package name. */
function target(file: string, specifier: string): { path: string } | { pkg: string } {
  if (specifier.startsWith('.'))
    return {
      path: relative(root, resolve(root, dirname(file), specifier))
        .split(sep)
        .join('/'),
    };
  const alias = /^#(shared|functions|infra)\/(.*)$/.exec(specifier);
  if (alias) return { path: `${alias[1]}/${alias[2]}` };
  return { pkg: specifier };
}

interface Rule {
  layer: string;
  /** Repository paths (prefixes) the layer may import. */
  mayImport: readonly string[];
  /** Packages the layer may import (`node:` built-ins are always fine). */
  packages: readonly string[];
}

function violations(rule: Rule, file: string, source: string): string[] {
  return importsOf(source).flatMap((specifier) => {
    const t = target(file, specifier);
    if ('pkg' in t)
      return t.pkg.startsWith('node:') || rule.packages.some((p) => t.pkg === p || t.pkg.startsWith(`${p}/`)) ? [] : [`${file} imports ${specifier}`];
    return rule.mayImport.some((p) => t.path.startsWith(p)) ? [] : [`${file} imports ${specifier} (${t.path})`];
  });
}

const DOMAIN: Rule = {
  layer: 'shared/domain',
  // Who acts (shared/auth/claims.ts) is plain data the domain's commands take.
  mayImport: ['shared/domain/', 'shared/auth/'],
  packages: ['uuid'],
};

describe('layers only look down', () => {
  it('finds imports of every kind, and none in comments', () => {
    // Prepare
    const source = [
      "import type { A } from '../../api/schemas.ts';",
      "import { b } from '#shared/db/keys.ts';",
      "export { c } from '../telemetry/x.ts';",
      "type D = import('../../telemetry/messages.ts').D;",
      "import '@aws-sdk/client-dynamodb';",
      "// import { e } from '../../db/client.ts';",
      "/** see import { f } from '../../api/routes.ts' */",
    ].join('\n');
    // Act
    const found = violations(DOMAIN, 'shared/domain/work-order/x.ts', source);
    // Assess
    // (../telemetry/x.ts from shared/domain/work-order is shared/domain/telemetry: allowed)
    assert.deepEqual(found, [
      'shared/domain/work-order/x.ts imports ../../api/schemas.ts (shared/api/schemas.ts)',
      'shared/domain/work-order/x.ts imports #shared/db/keys.ts (shared/db/keys.ts)',
      'shared/domain/work-order/x.ts imports ../../telemetry/messages.ts (shared/telemetry/messages.ts)',
      'shared/domain/work-order/x.ts imports @aws-sdk/client-dynamodb',
    ]);
  });

  it('keeps shared/domain free of the wire, the storage, telemetry transport, integration, functions, infra and AWS', () => {
    const found = sourceFiles('shared/domain').flatMap((file) => violations(DOMAIN, file, readFileSync(join(root, file), 'utf8')));
    assert.deepEqual(found, []);
  });

  it('keeps the web app off the storage layer and AWS', () => {
    const found = sourceFiles('web').flatMap((file) =>
      importsOf(readFileSync(join(root, file), 'utf8')).flatMap((specifier) => {
        const t = target(file, specifier);
        const bad =
          'pkg' in t
            ? t.pkg.startsWith('@aws-sdk/')
            : t.path.startsWith('shared/db/') || t.path.startsWith('functions/') || t.path.startsWith('infra/');
        return bad ? [`${file} imports ${specifier}`] : [];
      }),
    );
    assert.deepEqual(found, []);
  });
});
