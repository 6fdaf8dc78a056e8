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

/** One child's identity as matching sees it (a left-behind girl in Namling county). */
export const MATCH_CHILD = {
  name: '格桑曲珍',
  sex: 'F',
  birthDate: '2012-08-14',
  idNumber: idNumberFor('540221', '2012-08-14', 128),
  householdRegion: '540221',
  guardianName: '巴桑次仁',
  guardianPhone: '13908901234',
  school: '南木林县第一小学',
} as const;
