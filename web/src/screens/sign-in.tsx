/** Placeholder: built in issue 5. */
import type { ScreenProps } from '../app.tsx';
import { Page } from '../ui.tsx';

export default function SignIn(_props: ScreenProps) {
  return <Page title="SignIn">{null}</Page>;
}
