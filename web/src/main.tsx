/** Entry: read /config.json, finish a Cognito sign-in if this is its redirect, render the app. */
import { render } from 'preact';
import { App } from './app.tsx';
import { loadConfig } from './config.ts';
import { completeSignInRedirect } from './cognito.ts';

const config = await loadConfig();
if (config.auth.mode === 'cognito') await completeSignInRedirect(config.auth);
render(<App />, document.getElementById('app') as HTMLElement);

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('/sw.js').catch(() => {});
}
