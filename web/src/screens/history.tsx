/** Placeholder: built in issue 5. */
import type { ScreenProps } from '../app.tsx';
import { Page } from '../ui.tsx';

export default function History(_props: ScreenProps) {
  return <Page title="History">{null}</Page>;
}
