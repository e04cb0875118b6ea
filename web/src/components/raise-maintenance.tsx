/**
 * Report a problem to maintenance (issue 18): from the maintenance queue (the unit from a pick
 * list), a unit card or a stop on the downtime screen (the unit given, and the stop it comes
 * from). What is wrong in words, how urgent from a pick list.
 */
import type { MaintenanceRequest } from '../../../shared/domain/maintenance/model.ts';
import { api } from '../api.ts';
import { ConfirmAction } from '../ui.tsx';

export const PRIORITY_WORDS: Record<MaintenanceRequest['priority'], string> = {
  urgent: 'Urgent',
  high: 'High',
  normal: 'Normal',
  low: 'Low',
};
/** A request's status in words: "Maintenance request MR-2026-00012 (in progress)". */
export const MR_STATUS_WORDS: Record<MaintenanceRequest['status'], string> = {
  open: 'Waiting',
  planned: 'Planned',
  assigned: 'Assigned',
  'in-progress': 'In progress',
  completed: 'Done',
  cancelled: 'Cancelled',
};

const PRIORITY_OPTIONS = (Object.keys(PRIORITY_WORDS) as MaintenanceRequest['priority'][]).map((p) => ({ value: p, label: PRIORITY_WORDS[p] }));

/** Report a problem on a unit: the unit from a pick list (or given), what is wrong, how urgent. */
export function RaiseRequest(props: {
  units?: { value: string; label: string }[] | undefined;
  equipmentId?: string | undefined;
  unitName?: string | undefined;
  downtimeStart?: string | undefined;
  label?: string;
  after?: () => void;
}) {
  return (
    <ConfirmAction
      label={props.label ?? 'Report a problem'}
      kind="plain"
      title={props.unitName ? `Maintenance for ${props.unitName}` : 'Report a problem to maintenance'}
      fields={[
        ...(props.equipmentId ? [] : [{ name: 'unit', label: 'Unit', type: 'select' as const, required: true, options: props.units ?? [] }]),
        { name: 'problem', label: 'What is wrong', type: 'text', required: true },
        { name: 'priority', label: 'How urgent', type: 'select', required: true, options: PRIORITY_OPTIONS, initial: 'normal' },
      ]}
      run={async (values) => {
        await api.call('raiseMaintenanceRequest', {
          body: {
            equipmentId: props.equipmentId ?? values.unit ?? '',
            problem: values.problem?.trim() ?? '',
            priority: (values.priority ?? 'normal') as MaintenanceRequest['priority'],
            ...(props.downtimeStart ? { downtimeStart: props.downtimeStart } : {}),
          },
        });
      }}
      after={props.after}
    />
  );
}
