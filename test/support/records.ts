/** Sample child records with valid identity numbers. */
import { checkCharacter } from '../../schemas/id-number';

export function idNumberFor(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

export function sampleRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalId: 'EDU-2024-0001',
    name: '扎西卓玛',
    sex: 'F',
    birthDate: '2013-05-04',
    idNumber: idNumberFor('540102', '2013-05-04', 2),
    householdRegion: '540102',
    currentRegion: '540102',
    address: '拉萨市城关区北京中路12号',
    guardian: { name: '次仁多吉', phone: '13800138000', relation: 'grandparent' },
    school: '拉萨市第一小学',
    categories: ['left_behind'],
    riskLevel: 'medium',
    assessment: { assessedOn: '2024-03-01', riskLevel: 'medium', riskFactors: ['lack_of_companionship'], summary: '情绪低落，常独处' },
    ...overrides,
  };
}
