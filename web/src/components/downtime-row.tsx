/**
 * One stop on the downtime list: which unit, which state, since when and for how long (ticking
 * while it goes on), its reason and who gave it, and for supervisors the reason coding.
 */
import type { DowntimeEvent } from '../../../shared/api/schemas.ts';
import { api } from '../api.ts';
import { ConfirmAction, StateBadge, fmtAgo, fmtDateTime, fmtDuration } from '../ui.tsx';
import { type ReasonIndex, eventDurationMs, eventKey, eventReason } from './downtime-data.tsx';
import { MR_STATUS_WORDS, RaiseRequest } from './raise-maintenance.tsx';

export interface DowntimeRowProps {
  event: DowntimeEvent;
  unitName: string;
  reasons: ReasonIndex;
  personName: (userId: string) => string;
  now: number;
  /** Where the list's time range begins: a stop starting there may have begun before (no data says when). */
  rangeStart: number;
  /** Offer the reason coding (the role may assign reasons). */
  canAssign: boolean;
  /** Offer a maintenance request from this stop (issue 18: the role may raise one). */
  canRaise?: boolean;
  /** After an assignment: reload the list. */
  after: () => void;
}

export function DowntimeRow({ event, unitName, reasons, personName, now, rangeStart, canAssign, canRaise, after }: DowntimeRowProps) {
  const open = !event.end;
  // A linked request that was cancelled no longer answers the stop: maintenance may be called again.
  const linked = event.maintenanceRequest !== undefined && event.maintenanceRequest.status !== 'cancelled';
  const reason = eventReason(event);
  const before = Date.parse(event.start) <= rangeStart;
  const duration = `${before ? 'over ' : ''}${fmtDuration(eventDurationMs(event, now))}`;
  // Preselect the reason in force (a person's, else the machine's) when it can be picked.
  const initial = reasons.options.find((o) => o.value === reason?.code)?.value;
  // A later stretch of a stop that a data gap interrupted: the reason is the whole stop's.
  const continued = event.stopStart !== event.start && Date.parse(event.stopStart) < Date.parse(event.start);
  const assign = async (values: Record<string, string>) => {
    const comment = values.comment?.trim();
    await api.call('assignDowntimeReason', {
      // The stop's identity, the same in every time range, so the reason shows wherever the stop does.
      params: { id: event.equipmentId, start: event.stopStart },
      body: { reasonCode: values.reason ?? '', ...(comment ? { comment } : {}) },
    });
  };
  return (
    <li class={`card downtime${open ? ' downtime-open' : ''}`} data-testid={`downtime-${eventKey(event)}`}>
      <div class="downtime-head">
        <h3 class="downtime-unit">{unitName}</h3>
        <StateBadge state={event.state} />
        {open ? <span class="downtime-ongoing">Ongoing</span> : null}
      </div>
      <dl class="downtime-facts">
        <div>
          <dt>Started</dt>
          <dd>
            {before ? 'At or before ' : null}
            <time dateTime={event.start}>{fmtDateTime(event.start)}</time>
            {continued ? (
              <span class="muted">
                {' '}
                (the same stop as from <time dateTime={event.stopStart}>{fmtDateTime(event.stopStart)}</time>; no data came in between)
              </span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{open ? 'Stopped for' : 'Lasted'}</dt>
          <dd class="downtime-duration">{open ? `${duration} so far` : duration}</dd>
        </div>
        <div class="downtime-facts-wide">
          <dt>Reason</dt>
          <dd class="downtime-reason">
            {reason ? (
              <>
                {reasons.path(reason.code)}
                {reason.source === 'machine' ? <span class="muted"> (sent by the machine)</span> : null}
              </>
            ) : (
              <span class="muted">No reason yet</span>
            )}
          </dd>
        </div>
        {event.comment ? (
          <div class="downtime-facts-wide">
            <dt>Comment</dt>
            <dd class="downtime-comment">{event.comment}</dd>
          </div>
        ) : null}
        {event.assignedBy ? (
          <div class="downtime-facts-wide">
            <dt>Coded by</dt>
            <dd>
              {personName(event.assignedBy)}
              {event.assignedAt ? <span class="muted">, {fmtAgo(event.assignedAt)}</span> : null}
            </dd>
          </div>
        ) : null}
        {event.maintenanceRequest ? (
          <div class="downtime-facts-wide">
            <dt>Maintenance</dt>
            <dd class="downtime-maintenance">
              <a href="#/maintenance">
                Maintenance request {event.maintenanceRequest.id} (
                {(MR_STATUS_WORDS[event.maintenanceRequest.status as keyof typeof MR_STATUS_WORDS] ?? event.maintenanceRequest.status).toLowerCase()})
              </a>
            </dd>
          </div>
        ) : null}
      </dl>
      {canAssign || (canRaise && !linked) ? (
        <div class="downtime-actions">
          {canAssign ? (
            <ConfirmAction
              label={event.reasonCode ? 'Change reason' : 'Assign reason'}
              title={`Reason for the stop of ${unitName}`}
              question={`${unitName}: ${event.state.replace('-', ' ')} since ${fmtDateTime(event.start)}, ${open ? `${duration} so far` : duration}.`}
              fields={[
                { name: 'reason', label: 'Reason', type: 'select', required: true, options: reasons.options, ...(initial ? { initial } : {}) },
                { name: 'comment', label: 'Comment', type: 'text', ...(event.comment ? { initial: event.comment } : {}) },
              ]}
              run={assign}
              after={after}
            />
          ) : null}
          {canRaise && !linked ? (
            <RaiseRequest
              label="Call maintenance"
              equipmentId={event.equipmentId}
              unitName={unitName}
              downtimeStart={event.stopStart}
              after={after}
            />
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
