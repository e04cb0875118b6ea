/**
 * `npx mes-admin` (or `npm run mes-admin --`): onboarding from a terminal (issue 17,
 * docs/onboarding.md). It calls the API as anyone else does:
 *
 *   mes-admin plant create --id acme-eindhoven --name "Acme Eindhoven" --time-zone Europe/Amsterdam \
 *                          --admin-id anna --admin-name "Anna de Vries" --admin-email anna@example.com
 *   mes-admin plant list
 *   mes-admin plant limits --id acme-eindhoven [--rps 100 --burst 200]   (read, or set, its request limits)
 *   mes-admin user invite --tenant acme-eindhoven --id piet --name "Piet Jansen" --roles operator [--email ...]
 *   mes-admin user roles  --tenant acme-eindhoven --id piet --roles operator,supervisor
 *   mes-admin bootstrap-operator --user-pool-id eu-west-1_XXXX --id ops --name "Ops" --email ops@example.com
 *
 * Options: --api <url> (default $MES_API or http://localhost:3000), --token <ID token> (default
 * $MES_TOKEN). Without a token it asks the local runtime's /local/token for one: a platform
 * operator's for `plant`, an admin of --tenant for `user` (the dev sign-in; locally only). On AWS
 * give a platform operator's ID token for `plant`, a plant admin's for `user`.
 *
 * `bootstrap-operator` makes the first platform operator on AWS with the deployer's own AWS
 * credentials (Cognito AdminCreateUser, tenant `platform`, group `platform-operator`): the
 * one-time step before any token exists.
 */
import { parseArgs } from 'node:util';
import { LOCAL_ONLY_PATHS } from '../shared/api/routes.ts';
import { PLATFORM_TENANT, type Role } from '../shared/domain/roles.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

const USAGE = `usage: mes-admin <command> [options]
  plant create --id <tenant id> --name <name> --time-zone <IANA zone> --admin-id <user id> --admin-name <name> --admin-email <e-mail>
  plant list
  plant get --id <tenant id>
  plant limits --id <tenant id> [--rps <requests a second> --burst <requests at once>]   (without --rps/--burst: read them)
  user invite --tenant <tenant id> --id <user id> --name <name> --roles <role,role> [--email <e-mail>] [--personnel-id <id>]
  user roles --tenant <tenant id> --id <user id> --roles <role,role>
  bootstrap-operator --user-pool-id <pool id> --id <user id> --name <name> --email <e-mail>   (AWS, the deployer's credentials)
options: --api <url> (default $MES_API or http://localhost:3000)  --token <ID token> (default $MES_TOKEN; locally fetched)`;

class UsageError extends Error {}

export async function main(argv: string[], io: Io = { out: (t) => console.log(t), err: (t) => console.error(t), env: process.env }): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { command, values } = parsed;
  try {
    if (command === 'bootstrap-operator') {
      io.out(JSON.stringify(await bootstrapOperator(values), null, 2));
      return 0;
    }
    const api = (values.api ?? io.env.MES_API ?? 'http://localhost:3000').replace(/\/$/, '');
    const isPlant = command.startsWith('plant');
    const tenant = isPlant ? PLATFORM_TENANT : need(values, 'tenant');
    const token = values.token ?? io.env.MES_TOKEN ?? (await localToken(api, tenant, isPlant ? ['platform-operator'] : ['admin'], 'mes-admin'));
    const call = (method: string, path: string, body?: unknown) => request(api, token, method, path, body);
    let reply: Reply;
    switch (command) {
      case 'plant create':
        reply = await call('POST', '/v1/plants', {
          tenantId: need(values, 'id'),
          name: need(values, 'name'),
          timeZone: need(values, 'time-zone'),
          firstAdmin: { userId: need(values, 'admin-id'), name: need(values, 'admin-name'), email: need(values, 'admin-email') },
        });
        break;
      case 'plant list':
        reply = await call('GET', '/v1/plants?limit=100');
        break;
      case 'plant get':
        reply = await call('GET', `/v1/plants/${encodeURIComponent(need(values, 'id'))}`);
        break;
      case 'plant limits': {
        const path = `/v1/plants/${encodeURIComponent(need(values, 'id'))}/rate-limits`;
        if (values.rps === undefined && values.burst === undefined) {
          reply = await call('GET', path);
          break;
        }
        reply = await call('PUT', path, { requestsPerSecond: numberOf(values, 'rps'), burst: numberOf(values, 'burst') });
        break;
      }
      case 'user invite':
        reply = await call('POST', '/v1/users', {
          userId: need(values, 'id'),
          name: need(values, 'name'),
          roles: rolesOf(need(values, 'roles')),
          ...(values.email ? { email: values.email } : {}),
          ...(values['personnel-id'] ? { personnelId: values['personnel-id'] } : {}),
        });
        break;
      case 'user roles':
        reply = await call('PUT', `/v1/users/${encodeURIComponent(need(values, 'id'))}/roles`, { roles: rolesOf(need(values, 'roles')) });
        break;
      default:
        throw new UsageError(`unknown command: ${command || '(none)'}`);
    }
    if (reply.status >= 400) {
      const problem = reply.body as { detail?: string; errors?: { pointer: string; detail: string }[] } | undefined;
      io.err(`${reply.status}: ${problem?.detail ?? reply.text}`);
      for (const e of problem?.errors ?? []) io.err(`  ${e.pointer}: ${e.detail}`);
      return 1;
    }
    io.out(JSON.stringify(reply.body, null, 2));
    if (
      (reply.body as { temporaryPassword?: string; firstAdmin?: { temporaryPassword?: string } })?.firstAdmin?.temporaryPassword ||
      (reply.body as { temporaryPassword?: string })?.temporaryPassword
    ) {
      io.err('The temporary password above is shown this once: give it to the person, who changes it at first sign-in.');
    }
    return 0;
  } catch (error) {
    io.err(error instanceof UsageError ? `${error.message}\n${USAGE}` : `mes-admin: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

const OPTIONS = {
  api: { type: 'string' },
  token: { type: 'string' },
  id: { type: 'string' },
  name: { type: 'string' },
  'time-zone': { type: 'string' },
  'admin-id': { type: 'string' },
  'admin-name': { type: 'string' },
  'admin-email': { type: 'string' },
  tenant: { type: 'string' },
  email: { type: 'string' },
  roles: { type: 'string' },
  'personnel-id': { type: 'string' },
  'user-pool-id': { type: 'string' },
  rps: { type: 'string' },
  burst: { type: 'string' },
  help: { type: 'boolean' },
} as const;

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) throw new UsageError('');
  return { command: positionals.join(' '), values: values as Record<string, string | undefined> };
}

function need(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

/** A number option; the API checks its bounds and names them in its refusal. */
function numberOf(values: Record<string, string | undefined>, name: string): number {
  const text = need(values, name);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, not ${text}`);
  return value;
}

const rolesOf = (text: string) =>
  text
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);

interface Reply {
  status: number;
  body: unknown;
  text: string;
}

async function request(api: string, token: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

/** The local runtime's dev sign-in: only a local runtime answers it. */
async function localToken(api: string, tenantId: string, roles: Role[], userId: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${api}${LOCAL_ONLY_PATHS.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId, userId, name: 'mes-admin', roles }),
    });
  } catch (error) {
    throw new Error(`cannot reach ${api} (${(error as Error).message}): is the API there? Give --api <url>.`);
  }
  if (res.status !== 200) {
    throw new Error(`${api} hands out no local tokens (it answered ${res.status}): on AWS give --token <ID token> or set MES_TOKEN`);
  }
  return ((await res.json()) as { token: string }).token;
}

/** The first platform operator on AWS, with the deployer's AWS credentials (docs/onboarding.md). */
async function bootstrapOperator(values: Record<string, string | undefined>) {
  const UserPoolId = need(values, 'user-pool-id');
  const userId = need(values, 'id');
  const name = need(values, 'name');
  const email = need(values, 'email');
  const { CognitoIdentity } = await import('../functions/lib/cognito-identity.ts');
  // The same adapter the admin function uses, in the platform tenant, with the platform group.
  const created = await new CognitoIdentity(UserPoolId).createUser({
    tenantId: PLATFORM_TENANT,
    userId,
    name,
    email,
    roles: ['platform-operator'],
  });
  return { username: `${PLATFORM_TENANT}.${userId}`, existed: created.existed, invitation: `sent to ${email}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
