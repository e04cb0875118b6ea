/**
 * The device port's AWS adapter (issue 17, shared/telemetry/iot-device-provisioning.ts): the
 * requests it makes to IoT Core, seen on the SDK's own middleware stack (a deserialize-step
 * middleware answers each request in place of the network, and the SDK parses the answer).
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { createPlantThingGroup, iotDeviceProvisioning, plantThingGroup } from '#shared/telemetry/iot-device-provisioning.ts';

interface Sent {
  command: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: Record<string, unknown> | undefined;
}
/** The part of the SDK's middleware stack this uses (the clients' own types are a union per step). */
type MiddlewareStack = {
  add(
    middleware: (next: unknown, context: { commandName?: string }) => (args: { request: unknown }) => Promise<unknown>,
    options: { step: 'deserialize'; priority: 'low'; name: string },
  ): void;
};
type Answer = { status?: number; error?: string; body?: unknown };

/** A client whose sends never leave the process: each request is recorded and answered by `answer`. */
function intercepted<C extends IoTClient | IoTDataPlaneClient>(client: C, sent: Sent[], answer: (command: string) => Answer): C {
  (client.middlewareStack as unknown as MiddlewareStack).add(
    (_next, context) => async (args) => {
      const request = args.request as { method: string; path: string; query?: Record<string, unknown>; body?: string };
      const command = String(context.commandName).replace(/Command$/, '');
      sent.push({
        command,
        method: request.method,
        path: request.path,
        query: request.query ?? {},
        body: request.body ? JSON.parse(request.body) : undefined,
      });
      const a = answer(command);
      const status = a.status ?? 200;
      const response = {
        statusCode: status,
        reason: '',
        headers: { 'content-type': 'application/json', ...(a.error ? { 'x-amzn-errortype': a.error } : {}) },
        body: Readable.from([Buffer.from(JSON.stringify(a.error ? { message: a.error } : (a.body ?? {})))]),
      };
      return { response, output: undefined };
    },
    { step: 'deserialize', priority: 'low', name: 'answerInPlaceOfIotCore' },
  );
  return client;
}

const config = { region: 'eu-central-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
const CERT_ID = 'a'.repeat(64);
const CERT_ARN = `arn:aws:iot:eu-central-1:123456789012:cert/${CERT_ID}`;

function port(answer: (command: string) => Answer = () => ({})) {
  const sent: Sent[] = [];
  const respond = (command: string): Answer =>
    command === 'CreateKeysAndCertificate'
      ? {
          body: {
            certificateArn: CERT_ARN,
            certificateId: CERT_ID,
            certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
            keyPair: { PublicKey: 'pub', PrivateKey: '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n' },
          },
        }
      : answer(command);
  const iot = intercepted(new IoTClient(config), sent, respond);
  const data = intercepted(new IoTDataPlaneClient({ ...config, endpoint: 'https://abc-ats.iot.eu-central-1.amazonaws.com' }), sent, respond);
  return { sent, port: iotDeviceProvisioning(async () => ({ iot, data, endpoint: 'abc-ats.iot.eu-central-1.amazonaws.com' })) };
}

describe('the device port on AWS IoT Core', () => {
  it('registers a unit: thing with its attributes, in its plant group, a new active certificate, the policy and the exclusive attachment', async () => {
    // Prepare
    const { sent, port: iot } = port();
    // Act
    const issued = await iot.issue({ tenantId: 'acme', id: 'wu-press.1', kind: 'unit', clientId: 'acme:wu-press:1' });
    // Assess
    assert.deepEqual(
      sent.map((s) => s.command),
      ['CreateThing', 'AddThingToThingGroup', 'CreateKeysAndCertificate', 'AttachPolicy', 'AttachThingPrincipal'],
    );
    const [createThing, addToGroup, createCert, attachPolicy, attachPrincipal] = sent as [Sent, Sent, Sent, Sent, Sent];
    assert.equal(createThing.path, '/things/acme%3Awu-press%3A1');
    assert.deepEqual(createThing.body, {
      thingTypeName: 'mes-equipment',
      attributePayload: { attributes: { tenantId: 'acme', equipmentId: 'wu-press.1' } },
    });
    assert.deepEqual(addToGroup.body, { thingGroupName: plantThingGroup('acme'), thingName: 'acme:wu-press:1' });
    assert.equal(plantThingGroup('acme'), 'mes-acme');
    assert.deepEqual(createCert.query, { setAsActive: 'true' });
    assert.equal(attachPolicy.path, '/target-policies/mes-equipment');
    assert.deepEqual(attachPolicy.body, { target: CERT_ARN });
    assert.equal(attachPrincipal.path, '/things/acme%3Awu-press%3A1/principals');
    assert.equal(attachPrincipal.query.thingPrincipalType, 'EXCLUSIVE_THING');
    assert.deepEqual(issued.credential, { kind: 'x509', certificateId: CERT_ID, certificateArn: CERT_ARN });
    assert.equal(issued.secret.kind, 'x509');
    assert.equal(issued.secret.clientId, 'acme:wu-press:1');
    assert.match(issued.secret.kind === 'x509' ? issued.secret.privateKey : '', /PRIVATE KEY/);
    assert.equal(issued.secret.kind === 'x509' ? issued.secret.endpoint : '', 'abc-ats.iot.eu-central-1.amazonaws.com');
  });

  it("registers a gateway with the gateway's thing type, attribute and policy, making the plant's group when it is missing", async () => {
    // Prepare: the first AddThingToThingGroup finds no group
    let added = 0;
    const { sent, port: iot } = port((command) =>
      command === 'AddThingToThingGroup' && added++ === 0 ? { status: 404, error: 'ResourceNotFoundException' } : {},
    );
    // Act
    await iot.issue({ tenantId: 'acme', id: 'gw-hall', kind: 'gateway', clientId: 'acme:gw-hall' });
    // Assess
    assert.deepEqual(
      sent.map((s) => s.command),
      [
        'CreateThing',
        'AddThingToThingGroup',
        'CreateThingGroup',
        'AddThingToThingGroup',
        'CreateKeysAndCertificate',
        'AttachPolicy',
        'AttachThingPrincipal',
      ],
    );
    assert.deepEqual(sent[0]?.body, { thingTypeName: 'mes-gateway', attributePayload: { attributes: { tenantId: 'acme', gatewayId: 'gw-hall' } } });
    assert.equal(sent[2]?.path, '/thing-groups/mes-acme');
    assert.deepEqual(sent[2]?.body, { tags: [{ Key: 'tenantId', Value: 'acme' }] });
    assert.equal(sent[5]?.path, '/target-policies/mes-gateway');
  });

  it('revokes: the certificate INACTIVE first, then the open connection deleted now, then both detachments', async () => {
    // Prepare
    const { sent, port: iot } = port();
    // Act
    await iot.revoke(
      { tenantId: 'acme', id: 'wu-press-1', kind: 'unit', clientId: 'acme:wu-press-1' },
      { kind: 'x509', certificateId: CERT_ID, certificateArn: CERT_ARN },
    );
    // Assess
    assert.deepEqual(
      sent.map((s) => [s.command, s.method, s.path]),
      [
        ['UpdateCertificate', 'PUT', `/certificates/${CERT_ID}`],
        ['DeleteConnection', 'DELETE', '/connections/acme%3Awu-press-1'],
        ['DetachThingPrincipal', 'DELETE', '/things/acme%3Awu-press-1/principals'],
        ['DetachPolicy', 'POST', '/target-policies/mes-equipment'],
      ],
    );
    assert.deepEqual(sent[0]?.query, { newStatus: 'INACTIVE' });
    assert.equal(sent[1]?.query.cleanSession, 'true');
  });

  it('revokes again without failing when the device is not connected and the certificate is detached already', async () => {
    // Prepare
    const { sent, port: iot } = port((command) => (command === 'UpdateCertificate' ? {} : { status: 404, error: 'ResourceNotFoundException' }));
    // Act + Assess: resolves
    await iot.revoke(
      { tenantId: 'acme', id: 'wu-press-1', kind: 'unit', clientId: 'acme:wu-press-1' },
      { kind: 'x509', certificateId: CERT_ID, certificateArn: CERT_ARN },
    );
    assert.equal(sent.length, 4);
  });

  it('stops at a real failure: a registration IoT Core refuses is not answered as done', async () => {
    // Prepare
    const { port: iot } = port((command) => (command === 'AttachPolicy' ? { status: 403, error: 'UnauthorizedException' } : {}));
    // Act + Assess
    await assert.rejects(iot.issue({ tenantId: 'acme', id: 'wu-1', kind: 'unit', clientId: 'acme:wu-1' }), /UnauthorizedException/);
  });

  it("creates a plant's thing group mes-{tenant}, tagged with its tenant", async () => {
    // Prepare
    const sent: Sent[] = [];
    const iot = intercepted(new IoTClient(config), sent, () => ({ body: { thingGroupName: 'mes-acme' } }));
    // Act
    await createPlantThingGroup(iot, 'acme');
    // Assess
    assert.deepEqual(
      sent.map((s) => [s.command, s.path, s.body]),
      [['CreateThingGroup', '/thing-groups/mes-acme', { tags: [{ Key: 'tenantId', Value: 'acme' }] }]],
    );
  });
});
