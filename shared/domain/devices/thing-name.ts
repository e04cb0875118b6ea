/**
 * A device's thing name = MQTT client id, `{tenantId}:{id, each '.' written ':'}`: the formula
 * alone, with no dependency, so the device registry (shared/domain/devices) and the telemetry
 * transport (shared/telemetry/device-identity.ts, which documents it and reads names back)
 * share one declaration.
 */
export const THING_NAME_SEPARATOR = ':';

export function thingNameOf(tenantId: string, id: string): string {
  return `${tenantId}${THING_NAME_SEPARATOR}${id.replaceAll('.', THING_NAME_SEPARATOR)}`;
}
