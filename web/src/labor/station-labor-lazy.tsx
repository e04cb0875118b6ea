/**
 * The station's labor parts (station-labor.tsx), loaded on first use: the operator home's first
 * page load carries none of their JavaScript (bench section 5).
 */
import { useEffect, useState } from 'preact/hooks';

type Module = typeof import('./station-labor.tsx');
let loaded: Module | undefined;
let loading: Promise<Module> | undefined;

function useLabor(): Module | undefined {
  const [mod, setMod] = useState<Module | undefined>(() => loaded);
  useEffect(() => {
    if (mod) return;
    loading ??= import('./station-labor.tsx').then((m) => {
      loaded = m;
      return m;
    });
    loading.then(
      (m) => setMod(() => m),
      () => {
        loading = undefined;
      },
    );
  }, [mod]);
  return mod;
}

export function StationLaborPanel() {
  const mod = useLabor();
  return mod ? <mod.StationLaborPanel /> : null;
}

export function ClockButtons(props: { workOrderId: string; seq: number; status: string }) {
  const mod = useLabor();
  return mod ? <mod.ClockButtons {...props} /> : null;
}
