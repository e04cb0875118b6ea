/**
 * The device port on AWS IoT Core (issue 17, docs/devices.md), through @aws-sdk/client-iot,
 * loaded only when a device is registered or revoked (functions/lib/device-services.ts imports
 * this module lazily).
 *
 * Issue: the thing `{tenantId}:{id}` of the kind's thing type with the attributes its policy
 * confines its topics to (CreateThing is idempotent for the same name and attributes, so a
 * revoked device registered again keeps its thing), in the plant's thing group `mes-{tenantId}`
 * (made here if the plant predates it), a new key pair and certificate (CreateKeysAndCertificate,
 * active), the kind's policy on the certificate, and the certificate attached to the thing
 * exclusively. The private key is in the answer only: IoT Core keeps no copy, neither do we.
 *
 * Revoke, "at once": UpdateCertificate INACTIVE refuses every new connection with the
 * certificate from then on, but IoT Core closes the connections already open with it only
 * "within a few minutes" (UpdateCertificate's API reference). So the adapter then deletes the
 * device's connection through the data plane (DeleteConnection, by client id = thing name),
 * which closes it now; its Last Will is published (presence goes offline as for any lost
 * link). Then the certificate is detached from the thing and the policy. Every step tolerates
 * having been done already, so a revocation retried finishes what a failed one left.
 */
import type { IoTClient } from '@aws-sdk/client-iot';
import type { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { ENV } from '../config.ts';
import type { DeviceCredentialRef } from '../domain/devices/model.ts';
import type { DeviceProvisioning, DeviceThing } from '../domain/devices/provisioning.ts';
import { parseThingName } from './device-identity.ts';
import { DEVICE_KINDS } from './device-policy.ts';

/** The thing group of a plant: every device of the tenant is in it (fleet indexing, jobs, and fleet provisioning's group). */
export const plantThingGroup = (tenantId: string) => `mes-${tenantId}`;

export interface IotClients {
  iot: IoTClient;
  /** The data plane at the account's Data-ATS endpoint (DeleteConnection). */
  data: IoTDataPlaneClient;
  /** The account's Data-ATS host devices connect to. */
  endpoint: string;
}

const notFound = (error: unknown) => (error as { name?: string }).name === 'ResourceNotFoundException';

/** The thing's attributes: what the kind's policy puts into its topics. */
function attributesOf(thing: DeviceThing): Record<string, string> {
  const kind = DEVICE_KINDS[thing.kind];
  const parsed = parseThingName(thing.clientId);
  if (!parsed || parsed.tenantId !== thing.tenantId) throw new Error(`${thing.clientId} is not a thing name of tenant ${thing.tenantId}`);
  return { [kind.attributes.tenantId]: thing.tenantId, [kind.idAttribute]: thing.id };
}

export function iotDeviceProvisioning(clients: () => Promise<IotClients>): DeviceProvisioning {
  return {
    async issue(thing) {
      const { iot, endpoint } = await clients();
      const m = await import('@aws-sdk/client-iot');
      const kind = DEVICE_KINDS[thing.kind];
      await iot.send(
        new m.CreateThingCommand({ thingName: thing.clientId, thingTypeName: kind.thingType, attributePayload: { attributes: attributesOf(thing) } }),
      );
      const group = plantThingGroup(thing.tenantId);
      try {
        await iot.send(new m.AddThingToThingGroupCommand({ thingGroupName: group, thingName: thing.clientId }));
      } catch (error) {
        if (!notFound(error)) throw error;
        // A plant registered before its group was made by the plant provisioner.
        await iot.send(new m.CreateThingGroupCommand({ thingGroupName: group, tags: [{ Key: 'tenantId', Value: thing.tenantId }] }));
        await iot.send(new m.AddThingToThingGroupCommand({ thingGroupName: group, thingName: thing.clientId }));
      }
      const cert = await iot.send(new m.CreateKeysAndCertificateCommand({ setAsActive: true }));
      const { certificateArn, certificateId, certificatePem, keyPair } = cert;
      if (!certificateArn || !certificateId || !certificatePem || !keyPair?.PrivateKey)
        throw new Error('CreateKeysAndCertificate answered no certificate');
      await iot.send(new m.AttachPolicyCommand({ policyName: kind.policyName, target: certificateArn }));
      await iot.send(
        new m.AttachThingPrincipalCommand({ thingName: thing.clientId, principal: certificateArn, thingPrincipalType: 'EXCLUSIVE_THING' }),
      );
      return {
        secret: { kind: 'x509', clientId: thing.clientId, certificateId, certificatePem, privateKey: keyPair.PrivateKey, endpoint },
        credential: { kind: 'x509', certificateId, certificateArn },
      };
    },

    async revoke(thing, credential: DeviceCredentialRef) {
      if (credential.kind !== 'x509') throw new Error(`device ${thing.clientId} has a ${credential.kind} credential, not an IoT certificate`);
      const { iot, data } = await clients();
      const m = await import('@aws-sdk/client-iot');
      const d = await import('@aws-sdk/client-iot-data-plane');
      const tolerate = (error: unknown) => {
        if (!notFound(error)) throw error;
      };
      // No new connection from now on...
      await iot.send(new m.UpdateCertificateCommand({ certificateId: credential.certificateId, newStatus: 'INACTIVE' })).catch(tolerate);
      // ...and the open one closed now, not "within a few minutes". Not connected: ResourceNotFoundException.
      await data.send(new d.DeleteConnectionCommand({ clientId: thing.clientId, cleanSession: true })).catch(tolerate);
      const kind = DEVICE_KINDS[thing.kind];
      await iot.send(new m.DetachThingPrincipalCommand({ thingName: thing.clientId, principal: credential.certificateArn })).catch(tolerate);
      await iot.send(new m.DetachPolicyCommand({ policyName: kind.policyName, target: credential.certificateArn })).catch(tolerate);
    },
  };
}

/** The plant's thing group (the PlantProvisioner's work on AWS): made once, tagged with its tenant. */
export async function createPlantThingGroup(iot: IoTClient, tenantId: string): Promise<void> {
  const m = await import('@aws-sdk/client-iot');
  // CreateThingGroup is idempotent for the same name and properties.
  await iot.send(new m.CreateThingGroupCommand({ thingGroupName: plantThingGroup(tenantId), tags: [{ Key: 'tenantId', Value: tenantId }] }));
}

let shared: Promise<IotClients> | undefined;

/** The clients on AWS, made once: the data endpoint from MES_IOT_DATA_ENDPOINT, else DescribeEndpoint (iot:Data-ATS). */
export function iotClients(): Promise<IotClients> {
  shared ??= (async () => {
    const { IoTClient, DescribeEndpointCommand } = await import('@aws-sdk/client-iot');
    const { IoTDataPlaneClient } = await import('@aws-sdk/client-iot-data-plane');
    const iot = new IoTClient({});
    const configured = process.env[ENV.iotDataEndpoint]?.replace(/^https:\/\//, '');
    const endpoint = configured || (await iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }))).endpointAddress;
    if (!endpoint) throw new Error('IoT Core answered no Data-ATS endpoint');
    return { iot, data: new IoTDataPlaneClient({ endpoint: `https://${endpoint}` }), endpoint };
  })();
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}

export const iotDeviceProvisioningFromEnv = (): DeviceProvisioning => iotDeviceProvisioning(iotClients);
