/**
 * `npm start` on a data dir, killed with -9 while planners, supervisors and operators keep it
 * busy, then started again on the same data dir: every write it answered is there, every work
 * order agrees with its audit trail, every outbox event that was committed reaches a real
 * webhook receiver under its own webhook-id (a send the kill cut off goes again, under the
 * same id), and no event arrives whose state change is not in the table. The runtime runs as
 * a child process with its own DynamoDB Local; one round kills the runtime (its JVM goes with
 * it), another kills DynamoDB Local first and then the runtime. This is a process crash: a
 * power cut (the OS's page cache lost too) cannot be made here, see the README's crash
 * guarantees. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { connectAsync, type MqttClient } from 'mqtt';
import { Webhook } from 'standardwebhooks';
import type { AuditRecord, WorkOrderDetail } from '../../shared/api/schemas.ts';
import { keys } from '../../shared/db/keys.ts';
import { TABLE } from '../../shared/db/table.ts';
import { EVENT_TYPES } from '../../shared/domain/work-order/model.ts';
import type { DeviceCredentials } from '../../shared/telemetry/device-identity.ts';
import { telemetryTopic } from '../../shared/telemetry/rules.ts';
import { localClientConfig } from '../../infra/local/dynamodb.ts';
import { freePort } from '../../infra/local/net.ts';
import { newTenantId } from '../helpers/runtime.ts';
import { dynamoDbLocalsOn, type RuntimeProcess, startRuntimeProcess } from '../helpers/runtime-process.ts';
import { type Api, PLANT, allPages, inDays, staff, type Staff } from './support/mes.ts';

/** What each round kills, in order. */
const ROUNDS = ['runtime', 'DynamoDB Local, then the runtime'] as const;
const ORDER_WORKERS = 6;
const MASTER_DATA_WORKERS = 2;
/** Commands answered in a round before the kill, with more in flight. */
const ANSWERED_PER_ROUND = 24;

/** The writes the runtime answered with 2xx: the highest version each record was answered at. */
class Ledger {
  readonly orders = new Map<string, { version: number; status: string }>();
  readonly materials = new Map<string, number>();
  /** Telemetry messages a device got its PUBACK for. */
  readonly telemetry = new Set<string>();
  answered = 0;

  order(detail: WorkOrderDetail) {
    this.answered++;
    const seen = this.orders.get(detail.id);
    if (!seen || detail.version > seen.version) this.orders.set(detail.id, { version: detail.version, status: detail.status });
  }

  material(id: string, version: number) {
    this.answered++;
    this.materials.set(id, Math.max(this.materials.get(id) ?? 0, version));
  }
}

/** A request the runtime answered 2xx, with its body read whole; anything else (a dead runtime) is undefined. */
async function answered<T>(api: Api, method: string, path: string, body?: unknown): Promise<T | undefined> {
  try {
    const reply = await api.request<T>(method, path, body === undefined ? {} : { body });
    return reply.status >= 200 && reply.status < 300 ? reply.body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Work until `running()` turns false or the runtime stops answering: each order worker walks
 * orders from creation to close, each master data worker rewrites its own materials.
 */
function drive(people: Staff, ledger: Ledger, round: number, running: () => boolean): Promise<void>[] {
  const orderWorker = async (worker: number) => {
    for (let n = 0; running(); n++) {
      const id = `WO-${round}-${worker}-${n}`;
      const path = `/v1/work-orders/${id}`;
      const steps: [Api, string, string, unknown][] = [
        [
          people.planner,
          'POST',
          '/v1/work-orders',
          { id, materialId: PLANT.product, quantity: 3, routingId: PLANT.quickRouting, dueDate: inDays(2) },
        ],
        [people.supervisor, 'POST', `${path}/release`, {}],
        [people.operator, 'POST', `${path}/operations/10/start`, {}],
        [people.operator, 'POST', `${path}/operations/10/report`, { goodQty: 1 }],
        [people.operator, 'POST', `${path}/operations/10/complete`, { goodQty: 2 }],
        [people.supervisor, 'POST', `${path}/close`, {}],
      ];
      for (const [who, method, url, body] of steps) {
        if (!running()) return;
        const order = await answered<WorkOrderDetail>(who, method, url, body);
        if (!order) return;
        ledger.order(order);
      }
    }
  };
  const masterDataWorker = async (worker: number) => {
    for (let n = 0; running(); n++) {
      const id = `MAT-${worker}-${n % 3}`;
      const material = await answered<{ version: number }>(people.planner, 'PUT', `/v1/materials/${id}`, { name: `material ${n}`, uom: 'KGM' });
      if (!material) return;
      ledger.material(id, material.version);
    }
  };
  return [
    ...Array.from({ length: ORDER_WORKERS }, (_, w) => orderWorker(w)),
    ...Array.from({ length: MASTER_DATA_WORKERS }, (_, w) => masterDataWorker(w)),
  ];
}

/** A unit reporting state changes over MQTT, QoS 1, until `running()` turns false or the broker is gone. */
async function reportTelemetry(
  mqttUrl: string,
  device: DeviceCredentials & { tenantId: string; equipmentId: string },
  ledger: Ledger,
  round: number,
  running: () => boolean,
) {
  let client: MqttClient;
  try {
    client = await connectAsync(mqttUrl, {
      clientId: device.clientId,
      username: device.username,
      password: device.password,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
  } catch {
    return;
  }
  client.on('error', () => {});
  // A publish in flight when the broker dies is never acknowledged: mqtt.js would keep it for a
  // reconnect that does not come, so the worker stops at the close instead.
  const closed = new Promise<'closed'>((resolve) => client.once('close', () => resolve('closed')));
  try {
    for (let n = 0; running() && client.connected; n++) {
      const msgId = `r${round}-m${n}`;
      const payload = JSON.stringify({ ts: Date.now(), msgId, state: n % 2 ? 'running' : 'idle' });
      const acked = client.publishAsync(telemetryTopic(device.tenantId, device.equipmentId, 'state'), payload, { qos: 1 }).then(
        () => 'acked' as const,
        () => 'refused' as const,
      );
      if ((await Promise.race([acked, closed])) !== 'acked') return;
      ledger.telemetry.add(msgId);
    }
  } finally {
    client.end(true);
  }
}

/**
 * An ERP's webhook receiver: every verified delivery it answered 204, duplicates included. Told
 * to `holdNext()`, it keeps the next request unanswered: a send in flight when the runtime dies.
 */
async function webhookReceiver() {
  let secret = '';
  let holdNext = false;
  const held: string[] = [];
  const deliveries: { headers: IncomingHttpHeaders; event: { id: string; workOrderId: string } }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (holdNext) {
        holdNext = false;
        held.push(String(req.headers['webhook-id']));
        return;
      }
      try {
        const event = new Webhook(secret).verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>);
        deliveries.push({ headers: req.headers, event: event as { id: string; workOrderId: string } });
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp/mes-events`,
    deliveries,
    held,
    holdNext: () => {
      holdNext = true;
    },
    useSecret: (s: string) => {
      secret = s;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the local runtime killed with -9 under load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mes-crash-'));
  let mes: RuntimeProcess | undefined;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>> | undefined;
  after(async () => {
    mes?.kill('SIGTERM');
    await mes?.exited;
    // A failed round may leave a JVM where the OS has no parent death signal.
    for (const pid of dynamoDbLocalsOn(dataDir)) process.kill(pid, 'SIGKILL');
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every answered write, every order agrees with its audit trail, and every committed event is delivered under its own id', {
    timeout: 300_000,
  }, async (t) => {
    // Prepare: a plant whose ERP subscribes to every event, on a runtime with a data dir.
    const port = await freePort();
    const mqtt = { port: await freePort(), wsPort: await freePort() };
    receiver = await webhookReceiver();
    mes = await startRuntimeProcess({ dataDir, port, mqtt });
    const tenant = newTenantId();
    // Tokens are signed with the data dir's key for this address: they outlive the restarts.
    const people = await staff(mes, tenant);
    // The least the orders need: one work center, the product, a one-operation routing.
    await people.planner.ok('PUT', '/v1/equipment/wc-pack', { name: 'Packing', level: 'workCenter' });
    await people.planner.ok('PUT', `/v1/materials/${PLANT.product}`, { name: 'Pump', uom: 'ea' });
    await people.planner.ok('PUT', `/v1/routings/${PLANT.quickRouting}`, {
      materialId: PLANT.product,
      operations: [{ seq: 10, name: 'Pack', workCenterId: 'wc-pack' }],
    });
    const endpoint = await people.admin.ok('POST', '/v1/webhook-endpoints', { url: receiver.url, eventTypes: [...EVENT_TYPES] });
    receiver.useSecret(endpoint.secret);
    await people.planner.ok('PUT', '/v1/equipment/wu-crash-1', { name: 'Press', level: 'workUnit', parentId: 'wc-pack' });
    const device = {
      tenantId: tenant,
      equipmentId: 'wu-crash-1',
      ...(await people.admin.ok<DeviceCredentials>('POST', '/local/device-credentials', { equipmentId: 'wu-crash-1' })),
    };
    const mqttUrl = `mqtt://127.0.0.1:${mqtt.port}`;
    const ledger = new Ledger();

    // Act: per round, load, kill -9 in the middle of it, start again on the same data dir. In
    // the first round a webhook is being sent (its attempt claimed, never recorded) at the kill.
    receiver.holdNext();
    for (const [round, victim] of ROUNDS.entries()) {
      let running = true;
      const workers = [...drive(people, ledger, round, () => running), reportTelemetry(mqttUrl, device, ledger, round, () => running)];
      const answeredBefore = ledger.answered;
      // Some commands answered, and many in flight, at the moment of the kill.
      for (
        const deadline = Date.now() + 30_000;
        ledger.answered < answeredBefore + ANSWERED_PER_ROUND || receiver.held.length === 0;
        await pause(20)
      ) {
        assert.ok(Date.now() < deadline, `round ${round}: the runtime answered ${ledger.answered - answeredBefore} commands\n${mes.output()}`);
      }
      const dead = mes;
      const [jvm, ...more] = dynamoDbLocalsOn(dataDir);
      assert.ok(jvm && more.length === 0, `one DynamoDB Local on the data dir before the kill: ${[jvm, ...more].join(', ')}`);
      if (victim === 'DynamoDB Local, then the runtime') {
        process.kill(jvm, 'SIGKILL');
        await pause(200);
      }
      dead.kill('SIGKILL');
      await dead.exited;
      running = false;
      await Promise.all(workers);
      mes = await startRuntimeProcess({ dataDir, port, mqtt });
      const jvms = dynamoDbLocalsOn(dataDir);
      assert.ok(
        jvms.length === 1 && jvms[0] !== jvm,
        `after killing the ${victim}, one DynamoDB Local runs on the data dir, a new one: ${jvms.join(', ')}`,
      );
    }

    // Assess: every answered write is there.
    const live = mes;
    assert.ok(ledger.orders.size > 0 && ledger.materials.size > 0, 'the load got answers');
    for (const [id, acked] of ledger.materials) {
      const material = await people.planner.ok<{ version: number }>('GET', `/v1/materials/${id}`);
      assert.ok(material.version >= acked, `material ${id} was answered at version ${acked}, is at ${material.version}`);
    }
    const orders = new Map((await allPages<WorkOrderDetail>(people.supervisor, '/v1/work-orders')).map((o) => [o.id, o]));
    for (const [id, acked] of ledger.orders) {
      const order = orders.get(id);
      assert.ok(order, `order ${id} was answered at version ${acked.version} and is gone`);
      assert.ok(order.version >= acked.version, `order ${id} was answered at version ${acked.version}, is at ${order.version}`);
      if (order.version === acked.version) assert.equal(order.status, acked.status, `order ${id} at version ${order.version}`);
    }

    // Every telemetry message acknowledged with a PUBACK is stored.
    assert.ok(ledger.telemetry.size > 0, 'the device got PUBACKs');
    const stored = await storedStateMessages(live.dynamoDbEndpoint, tenant, device.equipmentId);
    const lost = [...ledger.telemetry].filter((msgId) => !stored.has(msgId));
    assert.deepEqual(lost, [], `${lost.length} of ${ledger.telemetry.size} acknowledged telemetry messages are not stored`);

    // Every order, answered or not, agrees with its audit trail: versions 1..n, states that follow.
    for (const order of orders.values()) {
      const trail = await allPages<AuditRecord>(people.supervisor, `/v1/work-orders/${order.id}/history`);
      assert.deepEqual(
        trail.map((r) => r.version),
        Array.from({ length: order.version }, (_, i) => i + 1),
        `order ${order.id}'s trail ends at its version`,
      );
      let status: unknown = null;
      for (const record of trail) {
        const change = record.changes.find((c) => c.field === 'status');
        if (!change) continue;
        assert.equal(change.from, status, `order ${order.id}, version ${record.version}: ${record.action} starts where the last left off`);
        status = change.to;
      }
      assert.equal(status, order.status, `order ${order.id}'s trail ends in its status`);
    }

    // Every committed outbox event reaches the receiver, under its own id, and nothing else does.
    const committed = await committedEvents(live.dynamoDbEndpoint, tenant, [...orders.keys()]);
    assert.ok(committed.size > 0, 'events were committed');
    const delivered = () => new Set(receiver?.deliveries.map((d) => d.event.id));
    for (const deadline = Date.now() + 30_000; [...committed].some((id) => !delivered().has(id)); await pause(100)) {
      const missing = [...committed].filter((id) => !delivered().has(id));
      if (Date.now() >= deadline) {
        const log = await allPages<{ id: string; status: string; attempts: unknown[] }>(
          people.admin,
          `/v1/webhook-endpoints/${endpoint.id}/deliveries`,
        );
        const messages = log.filter((m) => missing.includes(m.id));
        assert.fail(
          `committed events never delivered: ${missing.join(', ')}\nmessages: ${JSON.stringify(messages)}\n${live
            .output()
            .split('\n')
            .filter((l) => !/ 20\d /.test(l))
            .slice(-60)
            .join('\n')}`,
        );
      }
    }
    assert.ok(delivered().has(receiver.held[0] as string), 'the webhook in flight at the kill is sent again');
    for (const { headers, event } of receiver.deliveries) {
      assert.equal(headers['webhook-id'], event.id, 'a delivery carries its event id as webhook-id, on every attempt');
      assert.ok(committed.has(event.id), `event ${event.id} was delivered but its state change is not in the table`);
    }
    t.diagnostic(
      `${ledger.answered} writes answered (${ledger.orders.size} orders, ${ledger.materials.size} materials), ${orders.size} orders found; ` +
        `${ledger.telemetry.size} telemetry messages acknowledged, ${stored.size} stored; ` +
        `${committed.size} events committed, ${receiver.deliveries.length} deliveries (${receiver.deliveries.length - delivered().size} repeated, same webhook-id)`,
    );
  });
});

/** The message ids of a unit's stored state messages, read under the API. */
async function storedStateMessages(endpoint: string, tenant: string, equipmentId: string): Promise<Set<string>> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(endpoint)));
  try {
    const ids = new Set<string>();
    const pk = keys.equipmentState(tenant, equipmentId, 0, '').pk;
    const query = { TableName: TABLE.localName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } };
    for await (const page of paginateQuery({ client: doc }, query))
      for (const item of page.Items ?? []) ids.add(String(item.sk).split('#').slice(1).join('#'));
    return ids;
  } finally {
    doc.destroy();
  }
}

/** The ids of the outbox events in the table, read under the API: they are what was committed. */
async function committedEvents(endpoint: string, tenant: string, orderIds: string[]): Promise<Set<string>> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(endpoint)));
  try {
    const ids = new Set<string>();
    for (const orderId of orderIds) {
      const query = {
        TableName: TABLE.localName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
        ExpressionAttributeValues: { ':pk': keys.workOrderPartition(tenant, orderId), ':evt': 'EVT#' },
      };
      for await (const page of paginateQuery({ client: doc }, query)) for (const item of page.Items ?? []) ids.add(item.id as string);
    }
    return ids;
  } finally {
    doc.destroy();
  }
}
