/**
 * CDK app: wires only. Loads and validates the province configs, resolves the
 * stage from context, and builds one stack per province with cdk-nag on.
 *   npx cdk synth -c stage=prod -c provinces=540000
 */
import { App } from 'aws-cdk-lib';
import { fileURLToPath } from 'node:url';
import { loadProvinceConfigs } from '../lib/config/load-provinces';
import { resolveStage } from '../lib/config/stages';
import { addProvinceStacks } from '../lib/hub-app';

const app = new App();
const stage = resolveStage(app.node.tryGetContext('stage'));
const only = app.node.tryGetContext('provinces') as string | undefined;
const configs = loadProvinceConfigs(fileURLToPath(new URL('../config/provinces', import.meta.url)), only ? String(only).split(',') : undefined);
addProvinceStacks(app, configs, stage);
app.synth();
