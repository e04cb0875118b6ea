/**
 * Entry: read /config.json (the boot script has asked for it), finish a Cognito sign-in if this
 * is its redirect, let the first screen's early request come in, render the app.
 */
import { render } from 'preact';
import { rememberFirstRequests } from './api.ts';
import { App } from './app.tsx';
import { loadConfig } from './config.ts';
import { completeSignInRedirect } from './cognito.ts';
import { earlyAnswers } from './early.ts';

/** How long the first render waits for the first screen's early data (then it renders "Loading" and the data after). */
const FIRST_RENDER_WAIT_MS = 1000;

const config = await loadConfig();
rememberFirstRequests();
if (config.auth.mode === 'cognito') await completeSignInRedirect(config.auth);
// The boot script's request for the first screen is usually in by now, or nearly.
await earlyAnswers(FIRST_RENDER_WAIT_MS);
render(<App />, document.getElementById('app') as HTMLElement);

// After the first screen has painted: registering costs a slow phone a frame.
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  const register = () => setTimeout(() => navigator.serviceWorker.register('/sw.js').catch(() => {}), 0);
  if (document.readyState === 'complete') requestAnimationFrame(register);
  else addEventListener('load', register, { once: true });
}
