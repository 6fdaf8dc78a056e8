/**
 * CDK app: wires only. Loads and validates the province configs, resolves the
 * stage from context, builds one stack per province, and runs cdk-nag.
 *   npx cdk synth -c stage=prod -c provinces=540000
 */
import { App } from 'aws-cdk-lib';
import { fileURLToPath } from 'node:url';
import { loadProvinceConfigs } from '../lib/config/load-provinces';
import { resolveStage } from '../lib/config/stages';
import { applyNagChecks } from '../lib/nag/acknowledgements';
import { ProvinceStack } from '../lib/province-stack';

const app = new App();
const stage = resolveStage(app.node.tryGetContext('stage'));
const only = app.node.tryGetContext('provinces') as string | undefined;
const configs = loadProvinceConfigs(
  fileURLToPath(new URL('../config/provinces', import.meta.url)),
  only ? String(only).split(',') : undefined,
);
for (const config of configs) {
  new ProvinceStack(app, `Xinqiao-${config.provinceCode}-${stage.name}`, {
    config,
    stage,
    env: { region: config.deployment.region, ...(config.deployment.account && { account: config.deployment.account }) },
    description: `Xinqiao hub ${config.hubId}: ${config.name.en} (${config.name.zh}), stage ${stage.name}`,
  });
}
applyNagChecks(app);
app.synth();
