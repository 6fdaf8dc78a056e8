/**
 * Agency list profiles for the synthetic lists: each agency's data quality and
 * habits (headers, date and sex styles, missing and mistyped values). Civil
 * affairs is best, the 12355 hotline (youth league) poorest.
 */
import type { AgencyType } from '../../schemas/child-record';

/** The population a set of lists is drawn from: Tibet (Tibetan names, few counties) or Shanghai (Han names, migrant children). */
export type PopulationProfile = 'tibet' | 'shanghai';
export const POPULATION_PROFILES: readonly PopulationProfile[] = ['tibet', 'shanghai'];

export interface AgencyProfile {
  type: AgencyType;
  prefix: string;
  header: 'en' | 'zh';
  bom: boolean;
  sexStyle: 'MF' | 'zh';
  dateFormat: 'iso' | 'slash' | 'compact' | 'zh' | 'mixed';
  idMissing: number;
  idTypo: number;
  homophone: number;
  lookalike: number;
  traditional: number;
  variant: number;
  dateSwap: number;
  dateDigit: number;
  dateMissing: number;
  sexMissing: number;
  phoneChanged: number;
  guardianMissing: number;
  schoolMissing: number;
  /** A valid number of another child (a sibling's, or a typo that keeps the check digit). */
  idWrong: number;
  /** Legacy 15-digit numbers, lower-case x, spaces. */
  idLegacy: number;
  /** Only part of the name: one half of a Tibetan name, or a Han child's given name (hotline). */
  partialName: number;
  /** Lists the other parent or a grandparent as guardian (another name and phone). */
  otherGuardian: number;
  /** Birth year off by one (age-based entry). */
  yearOff: number;
  /** Category and sex spelled as agency staff write them (abbreviations, full-width, spaces). */
  spellingNoise: number;
  /** A category spelling no table knows. */
  unmapped: number;
  /** The name written in Latin letters (pinyin, or an English romanisation of a Tibetan name). */
  latin: number;
  /** A hotline fragment: only a (often partial) name and the caller's phone; no ID, birth date, sex or school. */
  fragmentOnly: number;
}

export const PROFILES: readonly AgencyProfile[] = [
  {
    type: 'civil_affairs',
    prefix: 'MZ',
    header: 'zh',
    bom: true,
    sexStyle: 'zh',
    dateFormat: 'iso',
    idMissing: 0.03,
    idTypo: 0.01,
    homophone: 0.01,
    lookalike: 0.005,
    traditional: 0.005,
    variant: 0.05,
    dateSwap: 0.003,
    dateDigit: 0.003,
    dateMissing: 0,
    sexMissing: 0,
    phoneChanged: 0.05,
    guardianMissing: 0.02,
    schoolMissing: 0.2,
    idWrong: 0.002,
    idLegacy: 0.01,
    partialName: 0.0,
    otherGuardian: 0.15,
    yearOff: 0.002,
    spellingNoise: 0.3,
    unmapped: 0.01,
    latin: 0.003,
    fragmentOnly: 0,
  },
  {
    type: 'education',
    prefix: 'JY',
    header: 'en',
    bom: false,
    sexStyle: 'MF',
    dateFormat: 'slash',
    idMissing: 0.08,
    idTypo: 0.02,
    homophone: 0.02,
    lookalike: 0.01,
    traditional: 0.01,
    variant: 0.1,
    dateSwap: 0.01,
    dateDigit: 0.01,
    dateMissing: 0,
    sexMissing: 0,
    phoneChanged: 0.1,
    guardianMissing: 0.05,
    schoolMissing: 0.02,
    idWrong: 0.003,
    idLegacy: 0.0,
    partialName: 0.005,
    otherGuardian: 0.3,
    yearOff: 0.003,
    spellingNoise: 0.4,
    unmapped: 0.02,
    latin: 0.01,
    fragmentOnly: 0,
  },
  {
    type: 'health',
    prefix: 'WJ',
    header: 'en',
    bom: true,
    sexStyle: 'MF',
    dateFormat: 'compact',
    idMissing: 0.1,
    idTypo: 0.02,
    homophone: 0.03,
    lookalike: 0.01,
    traditional: 0.02,
    variant: 0.12,
    dateSwap: 0.01,
    dateDigit: 0.01,
    dateMissing: 0.01,
    sexMissing: 0.01,
    phoneChanged: 0.15,
    guardianMissing: 0.1,
    schoolMissing: 0.6,
    idWrong: 0.004,
    idLegacy: 0.02,
    partialName: 0.01,
    otherGuardian: 0.3,
    yearOff: 0.005,
    spellingNoise: 0.5,
    unmapped: 0.05,
    latin: 0.02,
    fragmentOnly: 0,
  },
  {
    type: 'womens_federation',
    prefix: 'FL',
    header: 'zh',
    bom: false,
    sexStyle: 'zh',
    dateFormat: 'zh',
    idMissing: 0.3,
    idTypo: 0.03,
    homophone: 0.03,
    lookalike: 0.01,
    traditional: 0.02,
    variant: 0.15,
    dateSwap: 0.015,
    dateDigit: 0.015,
    dateMissing: 0.02,
    sexMissing: 0.02,
    phoneChanged: 0.15,
    guardianMissing: 0.05,
    schoolMissing: 0.5,
    idWrong: 0.005,
    idLegacy: 0.02,
    partialName: 0.02,
    otherGuardian: 0.35,
    yearOff: 0.01,
    spellingNoise: 0.6,
    unmapped: 0.1,
    latin: 0.02,
    fragmentOnly: 0.01,
  },
  {
    type: 'youth_league',
    prefix: 'TW',
    header: 'zh',
    bom: true,
    sexStyle: 'zh',
    dateFormat: 'mixed',
    idMissing: 0.7,
    idTypo: 0.05,
    homophone: 0.06,
    lookalike: 0.02,
    traditional: 0.03,
    variant: 0.2,
    dateSwap: 0.02,
    dateDigit: 0.02,
    dateMissing: 0.08,
    sexMissing: 0.1,
    phoneChanged: 0.25,
    guardianMissing: 0.4,
    schoolMissing: 0.5,
    idWrong: 0.008,
    idLegacy: 0.0,
    partialName: 0.15,
    otherGuardian: 0.4,
    yearOff: 0.03,
    spellingNoise: 0.8,
    unmapped: 0.18,
    latin: 0.04,
    fragmentOnly: 0.12,
  },
];
