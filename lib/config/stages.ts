/** Deployment stages. The stage comes from CDK context (`-c stage=prod`); an unknown stage is an error. */

export interface StageSettings {
  readonly name: 'dev' | 'prod';
  /** Audit events kept this long before TTL removes them (at least 3 years). */
  readonly auditRetentionDays: number;
}

export const STAGES: Readonly<Record<StageSettings['name'], StageSettings>> = {
  dev: { name: 'dev', auditRetentionDays: 3 * 365 },
  prod: { name: 'prod', auditRetentionDays: 3 * 365 },
};

export function resolveStage(value: unknown): StageSettings {
  const name = value ?? 'dev';
  if (typeof name !== 'string' || !Object.hasOwn(STAGES, name)) {
    throw new Error(`Unknown stage "${String(name)}": use one of ${Object.keys(STAGES).join(', ')} (cdk synth -c stage=dev)`);
  }
  return STAGES[name as StageSettings['name']];
}
