/**
 * POST /v1/live-feed/session: on AWS, attaches the browser IoT policy to the caller's Cognito
 * identity, so IoT Core lets the browser connect (functions/lib/live-feed-session.ts); 204.
 * Locally (no identity pool configured) nothing to do: the local broker takes the local token.
 * The AWS SDK clients load only here, on this route's first AWS call, not with the function.
 */
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/equipment.ts';
import { ENV } from '#shared/config.ts';

export const handler = httpHandler(routes.startLiveFeedSession, async ({ auth, headers }) => {
  const parameter = process.env[ENV.liveIdentityPoolParameter];
  if (parameter) {
    const { attachBrowserPolicy } = await import('#functions/lib/live-feed-session.ts');
    await attachBrowserPolicy({ parameter, authorization: headers.authorization, userId: auth.userId });
  }
  return { body: undefined };
});
