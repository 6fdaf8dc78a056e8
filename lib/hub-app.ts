/** Adds one ProvinceStack per config to an app and turns on cdk-nag; bin/ and the tests share it. */
import type { App } from 'aws-cdk-lib';
import type { ProvinceConfig } from '../schemas/province-config';
import type { StageSettings } from './config/stages';
import { applyNagChecks } from './nag/acknowledgements';
import { ProvinceStack } from './province-stack';

export function addProvinceStacks(app: App, configs: readonly ProvinceConfig[], stage: StageSettings): ProvinceStack[] {
  const stacks = configs.map(
    (config) =>
      new ProvinceStack(app, `Xinqiao-${config.provinceCode}-${stage.name}`, {
        config,
        stage,
        env: { region: config.deployment.region, ...(config.deployment.account && { account: config.deployment.account }) },
        description: `Xinqiao hub ${config.hubId}: ${config.name.en} (${config.name.zh}), stage ${stage.name}`,
      }),
  );
  applyNagChecks(app);
  return stacks;
}
