/** Placeholder: built in issue 5. */
import type { ScreenProps } from '../app.tsx';
import { Page } from '../ui.tsx';

export default function WorkOrders(_props: ScreenProps) {
  return <Page title="WorkOrders">{null}</Page>;
}
