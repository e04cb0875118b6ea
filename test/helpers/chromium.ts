/**
 * Where the browser tests find Chromium, and what happens without it: on a developer's machine
 * they are skipped (test/run.ts says so in one line); where MES_REQUIRE_BROWSER=1 (CI, which
 * installs it) they run regardless, so a missing browser fails them instead of going unseen.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.MES_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_INSTALL = 'apt-get install -y --no-install-recommends chromium';
export const BROWSER_REQUIRED = process.env.MES_REQUIRE_BROWSER === '1';

/** For `describe(..., { skip: BROWSER_SKIP })`: false, or why the browser tests do not run. */
export const BROWSER_SKIP: string | false = BROWSER_REQUIRED || existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (${CHROMIUM_INSTALL})`;
