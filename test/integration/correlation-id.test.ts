/**
 * The correlation id over real HTTP on the local runtime: the caller's `x-correlation-id` comes
 * back on a success and on a refusal (problem+json), API Gateway's request id when none is sent,
 * and CORS lets a browser send and read it (functions/lib/logger.ts, docs/operations.md).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Mes, as, newTenant, startMes } from '../e2e/support/mes.ts';

describe('x-correlation-id on the local runtime', () => {
  let mes: Mes;
  before(async () => {
    mes = await startMes();
  });
  after(() => mes.stop());

  it("echoes the caller's id on a success and on a refusal, else the request id", async () => {
    // Arrange
    const planner = await as(mes, newTenant(), 'planner-1', ['planner']);
    // Act
    const ok = await planner.get('/v1/work-orders', { 'x-correlation-id': 'erp-sync-0042' });
    const refused = await planner.get('/v1/work-orders/WO-NONE', { 'x-correlation-id': 'erp-sync-0043' });
    const plain = await planner.get('/v1/work-orders');
    // Assess
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-correlation-id'), 'erp-sync-0042');
    assert.equal(refused.status, 404);
    assert.equal(refused.headers.get('x-correlation-id'), 'erp-sync-0043');
    assert.equal(plain.headers.get('x-correlation-id'), plain.headers.get('apigw-requestid'));
  });

  it('lets a browser send it and read it back (CORS)', async () => {
    // Act
    const preflight = await fetch(`${mes.baseUrl}/v1/work-orders`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-correlation-id' },
    });
    const planner = await as(mes, newTenant(), 'planner-2', ['planner']);
    const reply = await fetch(`${mes.baseUrl}/v1/work-orders`, {
      headers: { origin: 'http://localhost:3000', authorization: `Bearer ${planner.token}` },
    });
    // Assess
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /x-correlation-id/);
    assert.match(reply.headers.get('access-control-expose-headers') ?? '', /x-correlation-id/);
  });
});
