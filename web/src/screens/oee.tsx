/** Placeholder: built in issue 5. */
import type { ScreenProps } from '../app.tsx';
import { Page } from '../ui.tsx';

export default function Oee(_props: ScreenProps) {
  return <Page title="Oee">{null}</Page>;
}
