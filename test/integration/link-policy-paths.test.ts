/**
 * One link policy (link-policy.ts) for both paths: the same records go through
 * the offline list merge (mergeRecords) and through the hub (publishRecord on
 * DynamoDB Local, one after another), and the newcomer gets the same decision
 * from both, the one the table says.
 */
import { describe, expect, it } from 'vitest';
import { matchRecordOf } from '../../lambdas/domain/cases/match-view';
import { DEFAULT_MODEL } from '../../lambdas/domain/matching/default-model';
import { mergeRecords } from '../../lambdas/domain/matching/merge';
import type { Publisher } from '../../lambdas/domain/records/records-service';
import { childRecordV1 } from '../../schemas/child-record';
import { createLinkingHarness } from '../support/linking';
import { idNumberFor } from '../support/records';

const CIVIL: Publisher = { agencyId: 'xz-civil-affairs', agencyType: 'civil_affairs' };
const EDU: Publisher = { agencyId: 'xz-education', agencyType: 'education' };
const HEALTH: Publisher = { agencyId: 'xz-health', agencyType: 'health' };
const YOUTH: Publisher = { agencyId: 'xz-youth-league', agencyType: 'youth_league' };

const child = {
  name: '格桑曲珍',
  sex: 'F',
  birthDate: '2012-08-14',
  idNumber: idNumberFor('540221', '2012-08-14', 128),
  householdRegion: '540221',
  guardian: { name: '巴桑次仁', phone: '13908901234', relation: 'father' },
  school: '南木林县第一小学',
  categories: ['left_behind'],
};
const noId = { ...child, idNumber: undefined };
const twin = { ...noId, name: '格桑卓玛' };

type Row = { name: string; records: [Publisher, Record<string, unknown>][]; expected: 'auto' | 'review' | 'new'; reason?: 'CONFLICT' | 'AMBIGUOUS' | 'VETO' };

const ROWS: Row[] = [
  {
    name: 'the same child with the same valid ID number links',
    records: [
      [CIVIL, child],
      [EDU, child],
    ],
    expected: 'auto',
  },
  {
    name: 'the same child without an ID number, in traditional characters, links',
    records: [
      [CIVIL, child],
      [EDU, { ...noId, name: '格桑曲珍' }],
    ],
    expected: 'auto',
  },
  {
    name: 'a twin (same guardian, birthday and school, another name) stays apart and is not reviewed',
    records: [
      [CIVIL, noId],
      [HEALTH, twin],
    ],
    expected: 'new',
  },
  {
    name: 'two valid, different ID numbers stay apart and are not reviewed',
    records: [
      [CIVIL, child],
      [
        HEALTH,
        {
          ...child,
          idNumber: idNumberFor('540221', '2012-08-14', 130),
          guardian: { name: '卓玛', phone: '13700000000', relation: 'father' },
          school: undefined,
        },
      ],
    ],
    expected: 'new',
  },
  {
    // A mistyped number passes the check character about one time in eleven; twins never share a name.
    name: 'two valid, different ID numbers with name, birth date, sex and family all agreeing are one child',
    records: [
      [CIVIL, child],
      [HEALTH, { ...child, idNumber: idNumberFor('540221', '2012-08-14', 130) }],
    ],
    expected: 'auto',
  },
  {
    name: 'only name and birth date in common goes to review',
    records: [
      [
        CIVIL,
        {
          name: '次仁拉姆',
          sex: 'F',
          birthDate: '2014-03-03',
          householdRegion: '540102',
          guardian: { name: '多吉', phone: '13800000001', relation: 'father' },
          categories: [],
        },
      ],
      [YOUTH, { name: '次仁拉姆', sex: 'F', birthDate: '2014-03-03', categories: [] }],
    ],
    expected: 'review',
  },
  {
    name: 'a different birth date with everything else agreeing goes to review',
    records: [
      [CIVIL, noId],
      [EDU, { ...noId, birthDate: '2011-03-02' }],
    ],
    expected: 'review',
  },
  {
    name: 'two records of one agency without the same valid ID number go to review, not a link',
    records: [
      [CIVIL, child],
      [CIVIL, noId],
    ],
    expected: 'review',
    reason: 'CONFLICT',
  },
  {
    name: 'a record one character (of another sound) off from each of two twins goes to review (a doubtful name: a typo as likely as a twin)',
    records: [
      [CIVIL, noId],
      [HEALTH, twin],
      // One character off from each twin's name.
      [
        YOUTH,
        { name: '格桑曲玛', sex: 'F', birthDate: child.birthDate, householdRegion: '540221', guardian: child.guardian, school: child.school, categories: [] },
      ],
    ],
    expected: 'review',
    reason: 'VETO',
  },
  {
    name: 'another child sharing only the guardian’s phone opens a case of its own',
    records: [
      [CIVIL, child],
      [EDU, { name: '达瓦次仁', sex: 'M', birthDate: '2015-01-20', guardian: child.guardian, categories: [] }],
    ],
    expected: 'new',
  },
];

describe('one link policy for the list merge and the hub', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      // Prepare
      const records = row.records.map(([publisher, fields], i) => ({ publisher, record: childRecordV1.parse({ externalId: `R-${i}`, ...fields }) }));

      // Act: offline, all at once
      const merged = mergeRecords(
        records.map((r) => matchRecordOf(r.publisher.agencyId, r.record)),
        { model: DEFAULT_MODEL, estimate: false },
      );
      const offline = merged.decisions.at(-1);
      // Act: in the hub, one publish after another, on fresh tables
      const h = await createLinkingHarness('policy');
      let hub: string | undefined;
      let hubCause: string | undefined;
      try {
        for (const r of records) {
          const published = await h.publish(r.publisher, r.record);
          hub = published.link;
          if (published.reviewId) hubCause = (await h.cases.review(published.reviewId))?.cause;
        }
      } finally {
        h.close();
      }

      // Assess
      expect({ offline, hub }).toEqual({ offline: row.expected, hub: row.expected });
      if (row.reason) {
        expect(merged.reviews.map((r) => r.reason)).toContain(row.reason);
        // The hub's review item keeps the same cause, which the reviewer reads in words.
        expect(hubCause).toBe(row.reason);
      }
    }, 60_000);
  }
});
