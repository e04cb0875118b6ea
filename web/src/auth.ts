/**
 * Who is signed in: the ID token and what it says (tenant, user, roles). Kept in localStorage so
 * a supervisor's phone stays signed in across reloads until the token expires. Locally the
 * sign-in page asks the local token issuer; on AWS the Cognito hosted UI (code + PKCE, see
 * cognito.ts) issues the token.
 */
import { CLAIMS, userIdOf } from '../../shared/auth/claims.ts';
import type { Role } from '../../shared/domain/roles.ts';
import { isRole } from '../../shared/domain/roles.ts';

export interface Session {
  token: string;
  tenantId: string;
  userId: string;
  name: string;
  roles: Role[];
  /** Epoch ms. */
  expiresAt: number;
}

const KEY = 'mes.session';
const listeners = new Set<() => void>();

function decode(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
}

/** Reads the claims the API reads (shared/auth/claims.ts): `custom:tenantId`, `cognito:groups`. */
export function sessionFromToken(token: string): Session {
  const claims = decode(token);
  const groups = Array.isArray(claims[CLAIMS.roles]) ? (claims[CLAIMS.roles] as unknown[]) : [];
  const userId = userIdOf(claims, String(claims[CLAIMS.tenantId] ?? '')) ?? '';
  return {
    token,
    tenantId: String(claims[CLAIMS.tenantId] ?? ''),
    userId,
    name: String(claims[CLAIMS.name] ?? claims['cognito:username'] ?? userId),
    roles: groups.filter(isRole),
    expiresAt: Number(claims.exp ?? 0) * 1000,
  };
}

/** People whose only role is operator land on their station (#/station), not the plant overview. */
export const isOperatorOnly = (roles: readonly Role[]) => roles.length > 0 && roles.every((r) => r === 'operator');

export function currentSession(): Session | undefined {
  const raw = localStorage.getItem(KEY);
  if (!raw) return undefined;
  const session = JSON.parse(raw) as Session;
  if (session.expiresAt <= Date.now()) {
    localStorage.removeItem(KEY);
    return undefined;
  }
  return session;
}

export function signIn(token: string): Session {
  const session = sessionFromToken(token);
  localStorage.setItem(KEY, JSON.stringify(session));
  for (const l of listeners) l();
  return session;
}

export function signOut(): void {
  localStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Local runtime only: POST /local/token (infra/local/identity.ts). */
export async function signInLocal(request: { tenantId: string; userId: string; name?: string; roles: Role[] }): Promise<Session> {
  const res = await fetch('/local/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  if (!res.ok) throw new Error(`the local sign-in refused: ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  return signIn(token);
}

export const hasRole = (session: Session | undefined, allowed: readonly Role[]) => !!session && session.roles.some((r) => allowed.includes(r));
