/**
 * Section 12 of bench/RESULTS.md (issue 18): people and machines. The DynamoDB cost of clocking
 * on and off (bench/labor.ts) and of the qualification check on operation start
 * (bench/qualifications.ts; target: the check adds at most one read to the start command).
 */
import { type LaborFigure, renderLabor } from './labor.ts';
import { type QualificationResults, renderQualifications } from './qualifications.ts';

type Sink = { out: (...lines: string[]) => void; judge: (target: string, pass: boolean) => string };

export const PEOPLE_TARGET_NAMES = {
  qualificationCheck: '12. The qualification check adds at most one read to an operation start',
} as const;

export interface PeopleResults {
  labor?: LaborFigure[] | undefined;
  laborError?: string | undefined;
  qualifications?: QualificationResults | undefined;
  qualificationsError?: string | undefined;
}

export function renderPeople(r: PeopleResults, { out, judge }: Sink): void {
  out(
    '## 12. People and machines: the cost of labor booking and of the qualification check (issue 18)',
    '',
    'Each part on a runtime of its own (DynamoDB Local in memory), over local HTTP; calls and units from the `x-mes-dynamodb` header. DynamoDB Local reports a transaction as a whole (section 10), so read the calls and read units first.',
    '',
  );
  if (r.labor) renderLabor(r.labor, { out });
  else out('### 12.1 Labor', '', `Not measured: ${r.laborError ?? 'the part did not run'}.`, '');
  out('### 12.2 The qualification check on operation start', '');
  if (r.qualifications) {
    renderQualifications(r.qualifications, out);
    out('', `Verdict: ${judge(PEOPLE_TARGET_NAMES.qualificationCheck, r.qualifications.ok)}.`, '');
  } else {
    out(`Not measured: ${r.qualificationsError ?? 'the part did not run'}.`, '');
    judge(PEOPLE_TARGET_NAMES.qualificationCheck, false);
  }
}
