/**
 * How each change moves a unit's entry in the plant's live view (shared/domain/telemetry/live-view.ts):
 * late and repeated state messages, presence events in any order, and a stop's reason that
 * shows only while that stop goes on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPresence, applyStates, applyStopReason, emptyEntry, sameEntry } from '#shared/domain/telemetry/live-view.ts';

const T = Date.parse('2026-12-03T08:00:00.000Z');
const iso = (ts: number) => new Date(ts).toISOString();

describe('the live view rules', () => {
  it('shows the newest state message, whatever order they come in; an older one changes nothing', () => {
    // Act
    const entry = applyStates(emptyEntry('wu-1'), [
      { equipmentId: 'wu-1', ts: T + 2000, state: 'down', reasonCode: 'E-1' },
      { equipmentId: 'wu-1', ts: T, state: 'running' },
    ]);
    const late = applyStates(entry, [{ equipmentId: 'wu-1', ts: T + 1000, state: 'idle' }]);
    // Assess
    assert.equal(entry.unit.state, 'down');
    assert.equal(entry.unit.reasonCode, 'E-1');
    assert.equal(entry.unit.since, iso(T + 2000));
    assert.equal(entry.unit.lastSeen, iso(T + 2000));
    assert.equal(late, entry);
  });

  it('keeps since for a repeat of the state and reason in force, starts again for another reason', () => {
    const running = applyStates(emptyEntry('wu-1'), [{ equipmentId: 'wu-1', ts: T, state: 'running' }]);
    const repeated = applyStates(running, [{ equipmentId: 'wu-1', ts: T + 5000, state: 'running' }]);
    const down = applyStates(repeated, [
      { equipmentId: 'wu-1', ts: T + 6000, state: 'down', reasonCode: 'E-1' },
      { equipmentId: 'wu-1', ts: T + 7000, state: 'down', reasonCode: 'E-2' },
    ]);
    assert.equal(repeated.unit.since, iso(T));
    assert.equal(repeated.unit.lastSeen, iso(T + 5000));
    assert.equal(down.unit.since, iso(T + 7000));
  });

  it('goes offline when the link goes down, and back to the state last reported from when it came back', () => {
    const running = applyStates(emptyEntry('wu-1'), [{ equipmentId: 'wu-1', ts: T, state: 'running' }]);
    const down = applyPresence(running, { equipmentId: 'wu-1', online: false, at: T + 1000 });
    const stale = applyPresence(down, { equipmentId: 'wu-1', online: true, at: T + 500 });
    const back = applyPresence(down, { equipmentId: 'wu-1', online: true, at: T + 3000 });
    const saidAgain = applyStates(back, [{ equipmentId: 'wu-1', ts: T + 4000, state: 'running' }]);
    const talksWhileDown = applyStates(down, [{ equipmentId: 'wu-1', ts: T + 2000, state: 'running' }]);
    assert.deepEqual([down.unit.state, down.unit.since], ['offline', iso(T + 1000)]);
    assert.equal(stale, down, 'an older presence event is ignored');
    assert.deepEqual([back.unit.state, back.unit.since], ['running', iso(T + 3000)]);
    assert.equal(saidAgain.unit.since, iso(T + 3000));
    assert.deepEqual(
      [talksWhileDown.unit.state, talksWhileDown.unit.since],
      ['running', iso(T + 2000)],
      'a state message after the link went down says it is back',
    );
  });

  it('shows a reason only for the stop the unit is in, and drops it when that stop ends', () => {
    const down = applyStates(emptyEntry('wu-1'), [{ equipmentId: 'wu-1', ts: T, state: 'down' }]);
    const reason = { stopStart: iso(T), reasonCode: 'BD-JAM', reasonName: 'Jam' };
    const explained = applyStopReason(down, reason);
    const other = applyStopReason(down, { ...reason, stopStart: iso(T - 1000) });
    const running = applyStates(explained, [{ equipmentId: 'wu-1', ts: T + 1000, state: 'running' }]);
    assert.deepEqual(explained.unit.stopReason, reason);
    assert.equal(other, down);
    assert.equal(running.unit.stopReason, undefined);
  });

  it('tells an unchanged entry from a changed one, in any key order', () => {
    const a = applyStates(emptyEntry('wu-1'), [{ equipmentId: 'wu-1', ts: T, state: 'running' }]);
    const reordered = { ...a, unit: Object.fromEntries(Object.entries(a.unit).reverse()) as typeof a.unit };
    assert.ok(sameEntry(a, reordered));
    assert.ok(!sameEntry(a, applyStates(a, [{ equipmentId: 'wu-1', ts: T + 1, state: 'idle' }])));
  });
});
