/**
 * `#/devices`: the plant's machines and gateways that send data (issue 17, docs/devices.md), for
 * admins. The list says each one's name, the machines it sends for, whether it may connect and
 * when it was last heard from. "Add a device" picks the machines from a list; its sign-in
 * details are shown once, with a copy button, and never again. "Stop this device" asks why and
 * cuts it off at once.
 */
import type { DeviceView, RegisteredDevice } from '../../../shared/api/device-schemas.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { loadEquipment } from '../components/plant-equipment.tsx';
import { useLive } from '../live.ts';
import { ConfirmAction, ErrorNote, fmtDateTime, Loading, Page } from '../ui.tsx';
import { useEffect, useState } from 'preact/hooks';

type Unit = { id: string; name: string };

function Secret({ registered, onDone }: { registered: RegisteredDevice; onDone: () => void }) {
  const c = registered.credentials;
  const text =
    c.kind === 'x509'
      ? `Endpoint: ${c.endpoint}:8883\nClient id: ${c.clientId}\n\n${c.certificatePem}\n${c.privateKey}`
      : `Broker: ${c.brokerUrl}\nClient id: ${c.clientId}\nUser name: ${c.username}\nPassword: ${c.password}`;
  const [copied, setCopied] = useState(false);
  return (
    <section class="card" aria-labelledby="secret-title" data-testid="device-secret">
      <h2 id="secret-title">Sign-in details for {registered.device.name}</h2>
      <p>
        <strong>Copy these now and put them into the device.</strong> They are shown this once: the MES keeps no copy. If they are lost, stop the
        device and add it again.
      </p>
      <pre class="secret" data-testid="device-secret-text">
        {text}
      </pre>
      <div class="actions">
        <button
          type="button"
          class="btn btn-primary"
          onClick={() =>
            void navigator.clipboard?.writeText(text).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="btn btn-plain" onClick={onDone}>
          I have put them in the device
        </button>
      </div>
    </section>
  );
}

function AddDevice({ units, onAdded }: { units: Unit[]; onAdded: (r: RegisteredDevice) => void }) {
  const [open, setOpen] = useState(false);
  const [gateway, setGateway] = useState(false);
  const [name, setName] = useState('');
  const [gatewayId, setGatewayId] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  if (!open)
    return (
      <button type="button" class="btn btn-primary" onClick={() => setOpen(true)}>
        Add a device
      </button>
    );
  const choose = (isGateway: boolean) => {
    setGateway(isGateway);
    setPicked([]);
  };
  const toggle = (id: string) => setPicked((p) => (gateway ? (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]) : [id]));
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body = gateway ? { name: name.trim(), gatewayId: gatewayId.trim(), units: picked } : { name: name.trim(), equipmentId: picked[0] };
      const registered = await api.call('registerDevice', { body });
      onAdded(registered);
      setOpen(false);
      setName('');
      setGatewayId('');
      setPicked([]);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="add-title">
      <h2 id="add-title">Add a device</h2>
      <fieldset class="field">
        <legend>What is it?</legend>
        <label class="pick">
          <input type="radio" name="kind" checked={!gateway} onChange={() => choose(false)} /> A machine that sends its own data
        </label>
        <label class="pick">
          <input type="radio" name="kind" checked={gateway} onChange={() => choose(true)} /> A gateway that sends for several machines
        </label>
      </fieldset>
      <label class="field">
        Name people know it by
        <input type="text" value={name} maxLength={100} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      {gateway ? (
        <label class="field">
          Gateway id (letters, digits, - or _; not a machine's id)
          <input type="text" value={gatewayId} onInput={(e) => setGatewayId((e.target as HTMLInputElement).value)} />
        </label>
      ) : null}
      <fieldset class="field">
        <legend>{gateway ? 'Machines it sends for' : 'Which machine?'}</legend>
        {units.map((u) => (
          <label key={u.id} class="pick">
            <input type={gateway ? 'checkbox' : 'radio'} name="unit" checked={picked.includes(u.id)} onChange={() => toggle(u.id)} /> {u.name}
          </label>
        ))}
      </fieldset>
      <ErrorNote error={error} />
      <div class="actions">
        <button
          type="button"
          class="btn btn-primary"
          disabled={busy || !name.trim() || picked.length === 0 || (gateway && !gatewayId.trim())}
          onClick={() => void submit()}
        >
          Add and show its sign-in details
        </button>
        <button type="button" class="btn btn-plain" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </section>
  );
}

export default function Devices(_: ScreenProps) {
  const live = useLive((signal) => api.call('listDevices', { query: { limit: 100 }, signal }), [], { intervalMs: 15_000 });
  const [units, setUnits] = useState<Unit[]>([]);
  const [registered, setRegistered] = useState<RegisteredDevice | undefined>();
  useEffect(() => {
    void loadEquipment().then((all) => setUnits(all.filter((e) => e.level === 'workUnit').map((e) => ({ id: e.id, name: e.name }))));
  }, []);
  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  const devices: (DeviceView & { lastSeen?: string | null })[] = live.data?.items ?? [];
  return (
    <Page title="Devices">
      {registered ? <Secret registered={registered} onDone={() => setRegistered(undefined)} /> : null}
      <div class="actions">
        <AddDevice
          units={units}
          onAdded={(r) => {
            setRegistered(r);
            void live.reload();
          }}
        />
      </div>
      <ErrorNote error={live.error} />
      {!live.data ? (
        <Loading />
      ) : devices.length === 0 ? (
        <p class="muted">No devices yet. Add one to let a machine send its data.</p>
      ) : (
        <ul class="cards plain-list">
          {devices.map((d) => (
            <li key={d.id} class="card" data-testid={`device-${d.id}`} data-status={d.status}>
              <h3>
                {d.name} <span class="badge badge-words">{d.status === 'active' ? 'May connect' : 'Stopped'}</span>
              </h3>
              <p>
                {d.kind === 'gateway' ? 'Gateway for ' : 'Machine: '}
                {d.units.map(unitName).join(', ')}
              </p>
              <p class="muted">
                {d.lastSeen ? `Last heard from ${fmtDateTime(d.lastSeen)}` : 'Not heard from yet'}
                {d.status === 'revoked' && d.revokedAt ? ` · stopped ${fmtDateTime(d.revokedAt)}: ${d.revokeReason ?? ''}` : ''}
              </p>
              {d.status === 'active' ? (
                <ConfirmAction
                  label="Stop this device"
                  kind="danger"
                  title={`Stop ${d.name}?`}
                  question="It is cut off at once and cannot connect again with its sign-in details. You can add it again later with new ones."
                  fields={[{ name: 'reason', label: 'Why?', type: 'text', required: true }]}
                  run={async (v) => {
                    await api.call('revokeDevice', { params: { id: d.id }, body: { reason: (v.reason ?? '').trim() } });
                  }}
                  after={() => void live.reload()}
                />
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
