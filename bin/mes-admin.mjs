#!/usr/bin/env node
// `npx mes-admin`: runs tools/mes-admin.ts (TypeScript, through tsx, as every script of the repo).
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../tools/mes-admin.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
