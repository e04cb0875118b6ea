/**
 * The CDK app (cdk.json runs it with tsx). The stacks live in stacks/mes-stacks.ts; this file
 * adds the cdk-nag AWS Solutions checks, which make synth fail on any finding, error or
 * warning, that is not acknowledged with a reason on the construct it concerns. The CLI only
 * reports findings of the stacks it synthesizes: run plain `cdk synth` to check them all.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addMesStacks } from './stacks/mes-stacks.ts';

const app = new App();
addMesStacks(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
