/**
 * "Inspect now", loaded when an operation has inspection plans: its entry forms stay out of the
 * first page load's JS (a station without plans never fetches them).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Operation, WorkOrderDetail } from '../../../shared/api/schemas.ts';

type Props = { order: WorkOrderDetail; op: Operation; reload: () => void };
type Component = (props: Props) => preact.JSX.Element | null;

let loaded: Component | undefined;
let loading: Promise<Component> | undefined;

export function InspectNow(props: Props) {
  const wanted = (props.op.inspectionPlans?.length ?? 0) > 0;
  const [Loaded, setLoaded] = useState<Component | undefined>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!wanted || Loaded) return;
    loading ??= import('./inspect-now.tsx').then((m) => {
      loaded = m.InspectNow;
      return m.InspectNow;
    });
    loading.then(
      (c) => setLoaded(() => c),
      () => {
        loading = undefined;
        setFailed(true);
      },
    );
  }, [wanted, Loaded]);
  if (!wanted) return null;
  if (Loaded) return <Loaded {...props} />;
  return failed ? (
    <p class="error" role="alert">
      The inspections could not load (no connection). Try again when the connection is back.
    </p>
  ) : (
    <p class="muted">Loading the inspections…</p>
  );
}
