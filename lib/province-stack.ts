/** One province, one stack: its data never leaves this stack's tables and keys. */
import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ProvinceConfig } from '../schemas/province-config';
import type { StageSettings } from './config/stages';
import { CareDashboard } from './constructs/care-dashboard';
import { DataStore } from './constructs/data-store';
import { HubApi } from './constructs/hub-api';
import { OfficerConsoleSite } from './constructs/officer-console-site';
import { acknowledgeProvinceStackFindings } from './nag/acknowledgements';

export interface ProvinceStackProps extends StackProps {
  readonly config: ProvinceConfig;
  readonly stage: StageSettings;
}

export class ProvinceStack extends Stack {
  readonly data: DataStore;
  readonly hub: HubApi;

  constructor(scope: Construct, id: string, props: ProvinceStackProps) {
    super(scope, id, props);
    Tags.of(this).add('xinqiao:province', props.config.provinceCode);
    Tags.of(this).add('xinqiao:stage', props.stage.name);
    this.data = new DataStore(this, 'Data', { provinceCode: props.config.provinceCode });
    this.hub = new HubApi(this, 'Hub', { config: props.config, stage: props.stage, data: this.data });
    new CareDashboard(this, 'CareDashboard', { config: props.config, stage: props.stage });
    if (props.config.console.staticSite) {
      const site = new OfficerConsoleSite(this, 'OfficerConsole', { hubId: props.config.hubId, apiUrl: this.hub.api.apiEndpoint });
      this.hub.allowConsoleOrigin(`https://${site.distribution.distributionDomainName}`);
    }
    acknowledgeProvinceStackFindings(this);
  }
}
