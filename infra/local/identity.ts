/**
 * The local identity provider: stands in for Cognito. It signs RS256 ID tokens with the claims
 * Cognito would put there (shared/auth/claims.ts), so the handlers verify local and AWS tokens
 * the same way: issuer, audience and signature against a JWKS URL.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { CLAIMS, cognitoUsername } from '../../shared/auth/claims.ts';
import { LOCAL_ONLY_PATHS } from '../../shared/api/routes.ts';
import type { Role } from '../../shared/domain/roles.ts';
import { writeDurably } from './durable-file.ts';

export const LOCAL_AUDIENCE = 'mes-local';
export const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
const ALG = 'RS256';

export interface SigningKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

export interface TokenRequest {
  tenantId: string;
  userId: string;
  name?: string | undefined;
  roles: readonly Role[];
}

export interface LocalIdentity {
  issuer: string;
  audience: string;
  jwksUrl: string;
  issueToken(request: TokenRequest): Promise<string>;
  jwks(): { keys: JWK[] };
}

/**
 * Loads the key pair from `<dir>/signing-key.json`, or makes one. With a dir the key survives
 * restarts, so tokens handed out yesterday still verify; without one it lives in memory.
 */
export async function loadSigningKey(dir?: string): Promise<SigningKey> {
  const file = dir && join(dir, 'signing-key.json');
  if (file) {
    const stored = readJson(file);
    if (stored) return fromPrivateJwk(stored);
  }
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  if (dir && file) {
    mkdirSync(dir, { recursive: true });
    // Durably: tokens handed out must keep verifying after a power cut too.
    writeDurably(file, JSON.stringify(privateJwk), 0o600);
  }
  return fromPrivateJwk(privateJwk);
}

async function fromPrivateJwk(privateJwk: JWK): Promise<SigningKey> {
  const { kty, n, e } = privateJwk;
  const publicJwk: JWK = { kty, n, e };
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateKey = (await importJWK(privateJwk, ALG)) as CryptoKey;
  return { privateKey, publicJwk: { ...publicJwk, kid, alg: ALG, use: 'sig' }, kid };
}

function readJson(file: string): JWK | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the local signing key ${file}: ${(error as Error).message}. Delete it to get a new one.`);
  }
}

/** The identity provider of a runtime listening on `baseUrl`: the issuer is `${baseUrl}/local`. */
export function createLocalIdentity(key: SigningKey, baseUrl: string): LocalIdentity {
  const issuer = `${baseUrl}/local`;
  return {
    issuer,
    audience: LOCAL_AUDIENCE,
    jwksUrl: `${baseUrl}${LOCAL_ONLY_PATHS.jwks}`,
    jwks: () => ({ keys: [key.publicJwk] }),
    issueToken: ({ tenantId, userId, name, roles }) =>
      new SignJWT({
        [CLAIMS.tenantId]: tenantId,
        [CLAIMS.roles]: [...roles],
        [CLAIMS.name]: name ?? userId,
        [CLAIMS.tokenUse]: 'id',
        // As Cognito's: one pool serves every plant (shared/auth/claims.ts userIdOf).
        'cognito:username': cognitoUsername(tenantId, userId),
        auth_time: Math.floor(Date.now() / 1000),
      })
        .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
        .sign(key.privateKey),
  };
}
