/** Adds one ProvinceStack per config to an app and turns on cdk-nag; bin/ and the tests share it. */
import type { App } from 'aws-cdk-lib';
import type { ProvinceConfig } from '../schemas/province-config';
import { ProvinceConfigError } from './config/load-provinces';
import type { OpsConfig } from './config/ops-config';
import type { StageSettings } from './config/stages';
import { applyNagChecks } from './nag/acknowledgements';
import { ProvinceStack } from './province-stack';

export function addProvinceStacks(app: App, configs: readonly (ProvinceConfig & { readonly ops?: OpsConfig })[], stage: StageSettings): ProvinceStack[] {
  for (const config of configs) {
    // A prod hub whose alarms tell no one is not operable: refuse it before anything is built.
    if (stage.name === 'prod' && !config.ops?.alarms.subscriptions.length) {
      throw new ProvinceConfigError(
        `Invalid ops config ${config.provinceCode}.ops.json:\nalarms.subscriptions: a prod stack needs at least one (email or https), e.g. {"protocol": "email", "endpoint": "xinqiao-ops@example.org"}`,
      );
    }
  }
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
