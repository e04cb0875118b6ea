/** The order's labor table (order-labor.tsx), loaded on first use: the order screen's JS stays as it was. */
import { useEffect, useState } from 'preact/hooks';

type Component = typeof import('./order-labor.tsx').OrderLabor;
let loaded: Component | undefined;
let loading: Promise<Component> | undefined;

export function OrderLabor(props: { workOrderId: string }) {
  const [Loaded, setLoaded] = useState<Component | undefined>(() => loaded);
  useEffect(() => {
    if (Loaded) return;
    loading ??= import('./order-labor.tsx').then((m) => {
      loaded = m.OrderLabor;
      return m.OrderLabor;
    });
    loading.then(
      (c) => setLoaded(() => c),
      () => {
        loading = undefined;
      },
    );
  }, [Loaded]);
  return Loaded ? <Loaded {...props} /> : null;
}
