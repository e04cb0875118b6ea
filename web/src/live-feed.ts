/**
 * Live updates pushed to the browser (issue 13): a screen that loaded its data once keeps it
 * current from the live feed, and polls only while the push channel is down. The MQTT client
 * is loaded the first time a screen asks (live-feed-client.ts, a chunk of its own).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveFeedMessage } from '../../shared/telemetry/live-feed.ts';
import { currentSession } from './auth.ts';
import { appConfig } from './config.ts';

/** 'off': this deployment has no live feed; 'connecting' until the first subscription; then 'live' or 'down'. */
export type PushState = 'off' | 'connecting' | 'live' | 'down';

/** Follows the signed-in tenant's live feed while mounted; `onMessage` gets each valid message. */
export function useLiveFeed(onMessage: (message: LiveFeedMessage) => void): PushState {
  const live = appConfig().live;
  const [state, setState] = useState<PushState>(live ? 'connecting' : 'off');
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    const session = currentSession();
    if (!live || !session) {
      setState('off');
      return;
    }
    let close: (() => void) | undefined;
    let stopped = false;
    import('./live-feed-client.ts').then(
      ({ connectLiveFeed }) => {
        if (stopped) return;
        close = connectLiveFeed(live, session, {
          onMessage: (m) => handler.current(m),
          onUp: (up) => setState(up ? 'live' : 'down'),
        });
      },
      () => setState('down'),
    );
    return () => {
      stopped = true;
      close?.();
    };
  }, [live]);
  return state;
}
