/**
 * `npm run demo`: one child's whole story through the running local hub (`npm start`), with the signing client,
 * each step printed in Chinese and English (docs/care-loop.md, "The demo"):
 * two agencies publish the same child -> one case; assessment, the guardian's service agreement and data consent;
 * school -> mental-health centre, accepted, treated, discharged; the coordinating role assigns a paired carer;
 * a follow-up visit is recorded and the next one, already late, is on the school's worklist; the child's file is
 * exported; the privacy officer's access report shows every read; the coordinating role's care metrics.
 *
 * Every run is a new child (fresh external ids, ID number and birth date), so it runs on a fresh hub and on one
 * that ran it before. Nothing here changes the hub's clock: the late follow-up comes from recording a home visit
 * on the date it took place, 20 days ago (entered late from the paper form, which the API allows: `contactedAt`
 * is when the contact happened, not in the future), so at the child's risk level (high: every 14 days) the next
 * visit was due 6 days ago.
 *
 * Options: `--dir <.hub-local>` (or HUB_LOCAL_DIR), `--url <base URL>` (default: hub.json's). Exit 0 when every
 * step did what it should, 1 at the first step that did not (with the hub's error code and message), 2 for usage.
 */
import { createHash, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { HubClient } from '../client/hub-client';
import { signRequest } from '../client/sign-request';
import { loadAgencyJwk } from '../local/demo-province';
import { bj, chinaToday, DAY, DemoError, detail, expectStatus, freshChild, hubInfo, options, say, systemOf } from './demo/support';

async function main(): Promise<void> {
  const opts = options();
  const dir = resolve(opts.dir);
  const info = hubInfo(dir);
  const baseUrl = opts.url ?? info.baseUrl;
  const run = `${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomUUID().slice(0, 8)}`;
  const credentialsOf = (id: string) => {
    try {
      return { agencyId: id, privateJwk: loadAgencyJwk(dir, id) };
    } catch {
      throw new DemoError(
        `找不到 ${id} 的私钥（${dir}/agencies 或 officers）：请用 npm start 生成的 .hub-local。`,
        `No private key for ${id} in ${dir}/agencies or officers: use the .hub-local that \`npm start\` wrote.`,
      );
    }
  };
  const client = (id: string, sub: string) => new HubClient({ baseUrl, hubId: info.hubId, credentials: credentialsOf(id), sub });

  const ids = {
    civil: systemOf(info, 'civil_affairs'),
    education: systemOf(info, 'education'),
    health: systemOf(info, 'health'),
    womens: systemOf(info, 'womens_federation'),
    officer: info.officers?.[0]?.id,
  };
  if (!ids.officer) throw new DemoError('hub.json 中没有隐私官：请重新运行 npm start。', 'hub.json names no privacy officer: run `npm start` again.');
  const school = client(ids.education, 'psych-teacher-01');
  const centre = client(ids.health, 'doctor-03');
  const civil = client(ids.civil, 'children-director-02');
  const officer = client(ids.officer, ids.officer);
  /** The reads of the child's data this demo makes: each must appear in the access report. */
  const reads: { agencyId: string; route: string }[] = [];

  const steps: { zh: string; en: string; run: () => Promise<void> }[] = [];
  const step = (zh: string, en: string, body: () => Promise<void>) => steps.push({ zh, en, run: body });
  let caseId = '';
  let recordId = '';
  let referralId = '';
  let assessmentId = '';

  step('检查本地心桥', 'Find the local hub', async () => {
    let res: Response;
    try {
      res = await fetch(new URL('/v1/health', baseUrl), { signal: AbortSignal.timeout(5000) });
    } catch {
      throw new DemoError(
        `本地心桥未运行：无法连接 ${baseUrl}。请先在另一个终端运行 npm start，待显示“is running”后再运行 npm run demo。`,
        `The local hub is not running at ${baseUrl}: start it with \`npm start\` in another terminal, wait for "is running", then run \`npm run demo\` again.`,
      );
    }
    if (!res.ok) throw new DemoError(`${baseUrl} 的健康检查返回 ${res.status}。`, `${baseUrl}/v1/health answered ${res.status}.`);
    say(`心桥 ${info.hubId} 在 ${baseUrl} 运行中；本次演示编号 ${run}`, `Hub ${info.hubId} is up at ${baseUrl}; this run is ${run}`);
  });

  const record = freshChild();
  step(
    '教育部门发布记录，民政部门上传名单：同一名儿童合并为一个个案',
    'Education publishes a record, civil affairs uploads its list: the same child merges into one case',
    async () => {
      const edu = expectStatus(
        await school.post<any>('/v1/records', { externalId: `DEMO-${run}-EDU`, ...record }),
        201,
        '教育部门发布记录失败',
        'Education could not publish its record',
      );
      // Civil affairs knows her from its own list, written its own way (Chinese headers, 女, a 2012年3月4日-style
      // date, 奶奶 for the grandmother, 留守儿童), uploaded whole as agencies do, next to two other children.
      const [y, m, d] = record.birthDate.split('-').map(Number);
      const csv = [
        '\uFEFF原系统编号,姓名,性别,出生日期,身份证号,户籍地,现居住地,监护人姓名,监护人电话,与儿童关系,儿童类别,风险等级',
        `MZ-${run}-1,${record.name},女,${y}年${m}月${d}日,${record.idNumber},540102,540102,${record.guardian.name},${record.guardian.phone},奶奶,留守儿童,中`,
        `MZ-${run}-2,尼玛次仁,男,2011/7/8,,540103,540103,尼玛,13800002222,父亲,事实无人抚养儿童,低`,
        `MZ-${run}-3,洛桑,男,2010-01-01,,540104,,,,,困境儿童,`,
        '',
      ].join('\r\n');
      const uploaded = expectStatus(
        await civil.request<any>('POST', '/v1/lists', csv, { headers: { 'content-type': 'text/csv; charset=utf-8' } }),
        [200, 202],
        '民政部门上传名单失败',
        'Civil affairs could not upload its list',
      );
      const jobId = uploaded.job.jobId as string;
      detail(`民政名单已受理 / civil affairs' list accepted: job ${jobId}, ${uploaded.job.total} rows`);
      let job: any;
      for (const started = Date.now(); ; ) {
        job = expectStatus(await civil.get<any>(`/v1/lists/${jobId}`), 200, '读取名单任务失败', 'Could not read the list job');
        if (job.job.status === 'done') break;
        if (Date.now() - started > 60_000)
          throw new DemoError(`名单任务 60 秒内未完成（${job.job.status}）。`, `The list job did not finish within 60 s (${job.job.status}).`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const row = job.rows.find((r: any) => r.row === 1);
      const mz = { caseId: row?.result?.caseId as string, recordId: row?.result?.recordId as string };
      detail(`名单任务完成 / job done: ${JSON.stringify(job.job.outcomes)}`);
      caseId = edu.caseId;
      recordId = edu.recordId;
      say(
        `教育记录 ${edu.recordId}、民政记录 ${mz.recordId} → 同一个案 ${caseId}`,
        `education record ${edu.recordId}, civil affairs record ${mz.recordId} -> one case ${caseId}`,
      );
      const own = expectStatus(await school.get<any>(`/v1/records/${recordId}`), 200, '教育部门读取本机构记录失败', 'Education could not read its own record');
      reads.push({ agencyId: ids.education, route: 'GET /v1/records/{recordId}' });
      detail(`教育部门读取本机构记录 / education reads its own record: ${own.record.externalId}`);
    },
  );

  step('识别与评估、监护人服务同意及数据共享同意', 'Assessment, the guardian’s service agreement, and consent to share', async () => {
    const assessed = expectStatus(
      await school.post<any>(`/v1/cases/${caseId}/assessments`, {
        kind: 'assessment',
        riskLevel: 'high',
        riskFactors: ['left_behind', 'social_isolation'],
        instrument: 'SDQ',
        score: 21,
        assessorStaffId: 'PT-01',
        assessedOn: chinaToday(),
        notes: '长期独处，情绪低落',
      }),
      201,
      '记录评估失败',
      'Could not record the assessment',
    );
    assessmentId = assessed.assessmentId;
    say(`心理教师评估：风险等级 high（${assessmentId}）`, `The psychology teacher assesses: risk level high (${assessmentId})`);
    const collectedAt = new Date(Date.now() - 60_000).toISOString();
    const agreement = expectStatus(
      await school.post<any>(`/v1/cases/${caseId}/agreements`, {
        guardian: { name: '次仁', relation: 'grandparent' },
        assessmentId,
        agreesWithAssessment: true,
        agreesToFollowUp: true,
        childView: 'agrees',
        evidence: {
          documentRef: `服务同意书-${run}`,
          sha256: createHash('sha256').update(`agreement-${run}`).digest('hex'),
          collectedBy: 'PT-01',
          collectedAt,
        },
      }),
      201,
      '记录服务同意失败',
      'Could not record the service agreement',
    );
    say(
      `监护人认同评估结果并同意接受跟进服务（${agreement.agreementId}），儿童本人同意`,
      `The guardian agrees with the result and to follow-up (${agreement.agreementId}); the child agrees`,
    );
    const consent = expectStatus(
      await school.post<any>('/v1/consents', {
        caseId,
        grantor: { type: 'guardian', name: '次仁', relation: 'grandparent' },
        purposes: ['referral', 'follow_up'],
        dataCategories: ['assessment', 'identity'],
        recipients: [{ agencyType: 'health' }],
        validFrom: new Date(Date.now() - 3_600_000).toISOString(),
        validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
        evidence: { documentRef: `转介同意-${run}`, sha256: createHash('sha256').update(`consent-${run}`).digest('hex'), collectedBy: 'PT-01', collectedAt },
      }),
      201,
      '记录数据共享同意失败',
      'Could not record the consent',
    );
    say(
      `监护人同意向卫健部门共享评估与身份信息，用于转介和随访（${consent.consentId ?? consent.consent?.consentId}）`,
      `The guardian consents to share assessment and identity data with health, for referral and follow-up`,
    );
  });

  step('学校转介至精神卫生中心', 'The school refers the child to the mental-health centre', async () => {
    const referral = expectStatus(
      await school.post<any>('/v1/referrals', { caseId, to: { agencyType: 'health' }, reasons: ['severe_emotional_distress'], priority: 'urgent' }),
      201,
      '转介失败',
      'The referral failed',
    );
    referralId = referral.referralId;
    say(
      `转介 ${referralId}（紧急）：须于 ${bj(referral.acknowledgeBy)} 前接收、${bj(referral.firstContactBy)} 前首次接触`,
      `Referral ${referralId} (urgent): acknowledge by ${bj(referral.acknowledgeBy)}, first contact by ${bj(referral.firstContactBy)}`,
    );
  });

  step('中心接收、接受、治疗并出院', 'The centre receives, accepts, treats and discharges', async () => {
    const view = expectStatus(
      await centre.get<any>(`/v1/cases/${caseId}`, { purpose: 'referral' }),
      200,
      '中心读取个案失败',
      'The centre could not read the case',
    );
    reads.push({ agencyId: ids.health, route: 'GET /v1/cases/{caseId}' });
    say(
      `中心在“转介”目的下读取个案：评估 ${view.assessment?.state ?? '-'} ${view.assessment?.riskLevel ?? ''}，可见记录 ${view.records?.length ?? 0} 条，未披露 ${view.withheld?.length ?? 0} 项`,
      `The centre reads the case under "referral": assessment ${view.assessment?.state ?? '-'} ${view.assessment?.riskLevel ?? ''}, ${view.records?.length ?? 0} record(s) shown, ${view.withheld?.length ?? 0} withheld`,
    );
    for (const [to, extra, zh] of [
      ['received', {}, '已接收'],
      ['accepted', {}, '已接受'],
      ['in-progress', {}, '治疗中'],
      ['completed', { outcome: 'discharged' }, '已完成：出院'],
    ] as const) {
      const moved = expectStatus(
        await centre.post<any>(`/v1/referrals/${referralId}/transitions`, { to, ...extra }),
        200,
        `转介变更为 ${to} 失败`,
        `Moving the referral to ${to} failed`,
      );
      detail(`${zh} / ${to}${moved.outcome ? ` (${moved.outcome})` : ''}`);
    }
  });

  step('统筹部门指派结对关爱人', 'The coordinating role assigns a paired carer', async () => {
    const due = expectStatus(await civil.get<any>('/v1/worklist?due=all&limit=200'), 200, '读取统筹部门待办失败', "Could not read the coordinator's worklist");
    const item = due.items.find((i: any) => i.kind === 'assign_paired_carer' && i.caseId === caseId);
    if (!item) throw new DemoError('出院后统筹部门待办中没有“指派结对关爱人”。', 'After the discharge the coordinator has no "assign a paired carer" item.');
    say(`待办：指派结对关爱人，截止 ${bj(item.due)}`, `Worklist: assign a paired carer, due ${bj(item.due)}`);
    const member = expectStatus(
      await civil.post<any>(`/v1/cases/${caseId}/care-team`, { role: 'paired_carer', agencyId: ids.womens, staffId: 'WF-CARER-07' }),
      201,
      '指派结对关爱人失败',
      'Assigning the paired carer failed',
    );
    say(
      `妇联志愿者 WF-CARER-07 成为结对关爱人（${member.memberId}），待办随之完成`,
      `A Women's Federation carer (WF-CARER-07) is the paired carer (${member.memberId}); the item is done`,
    );
  });

  step('记录随访；逾期的下次随访出现在待办中', 'A follow-up is recorded; the next one, late, shows on the worklist', async () => {
    const visited = new Date(Date.now() - 20 * DAY).toISOString();
    const contact = expectStatus(
      await school.post<any>(
        `/v1/cases/${caseId}/contacts`,
        {
          kind: 'home_visit',
          interviewed: ['child', 'guardian'],
          outcome: 'stable',
          contactedAt: visited,
          staffId: 'PT-01',
          notes: '家访：与奶奶谈话，孩子情绪平稳',
        },
        { purpose: 'follow_up' },
      ),
      201,
      '记录随访失败',
      'Recording the follow-up failed',
    );
    say(
      `心理教师补录 20 天前的家访（纸质记录），风险等级 high 每 14 天随访一次：下次随访应于 ${bj(contact.nextDue)}`,
      `The psychology teacher enters a home visit made 20 days ago (from the paper form); at risk level high, every 14 days: the next was due ${bj(contact.nextDue)}`,
    );
    const listed = expectStatus(
      await school.get<any>(`/v1/cases/${caseId}/contacts`, { purpose: 'follow_up' }),
      200,
      '读取随访记录失败',
      'Reading the contacts failed',
    );
    reads.push({ agencyId: ids.education, route: 'GET /v1/cases/{caseId}/contacts' });
    detail(`随访记录 ${listed.items.length} 条 / ${listed.items.length} contact(s)`);
    const overdue = expectStatus(await school.get<any>('/v1/worklist?due=overdue&limit=200'), 200, '读取逾期待办失败', 'Reading the overdue worklist failed');
    const late = overdue.items.find((i: any) => i.kind === 'follow_up_contact_due' && i.caseId === caseId);
    if (!late) throw new DemoError('教育部门的逾期待办中没有这次随访。', "The late follow-up is not on education's overdue worklist.");
    say(
      `逾期待办：随访已逾期 ${late.daysOverdue} 天（截止 ${bj(late.due)}）`,
      `Overdue work: the follow-up is ${late.daysOverdue} day(s) overdue (due ${bj(late.due)})`,
    );
    if (late.daysOverdue < 1) throw new DemoError('随访未显示为逾期。', 'The follow-up does not show as overdue.');
  });

  step('导出“一人一档”档案（zip）', 'Export the child’s file, one person one file (zip)', async () => {
    const path = `/v1/cases/${caseId}/archive?format=zip`;
    const authorization = await signRequest(credentialsOf(ids.education), {
      hubId: info.hubId,
      method: 'GET',
      pathWithQuery: path,
      sub: 'psych-teacher-01',
      purpose: 'follow_up',
    });
    const res = await fetch(new URL(path, baseUrl), { headers: { authorization } });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) {
      let code = '';
      try {
        code = (JSON.parse(new TextDecoder().decode(bytes)) as { error?: { code?: string } }).error?.code ?? '';
      } catch {}
      throw new DemoError(
        `导出档案失败：心桥返回 ${res.status} ${code}（此心桥是否已有档案导出接口？）`,
        `Exporting the file failed: the hub answered ${res.status} ${code} (does this hub have the archive route yet?)`,
      );
    }
    const header = res.headers.get('x-content-sha256') ?? '';
    const actual = createHash('sha256').update(bytes).digest('hex');
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
    if (!zip) throw new DemoError('返回内容不是 zip 文件。', 'The answer is not a zip file.');
    if (header && header.toLowerCase() !== actual && header !== createHash('sha256').update(bytes).digest('base64url')) {
      throw new DemoError('X-Content-SHA256 与内容不符。', 'X-Content-SHA256 does not match the bytes.');
    }
    reads.push({ agencyId: ids.education, route: 'GET /v1/cases/{caseId}/archive' });
    say(
      `档案 zip：${bytes.length} 字节，X-Content-SHA256: ${header || '（无）'}`,
      `The file (zip): ${bytes.length} bytes, X-Content-SHA256: ${header || '(none)'}`,
    );
  });

  step('隐私官的访问报告列出每一次读取', "The privacy officer's access report shows every read", async () => {
    const report = expectStatus(await officer.get<any>(`/v1/audit/cases/${caseId}/access-report`), 200, '读取访问报告失败', 'Reading the access report failed');
    say(`访问报告 ${report.entries.length} 条`, `${report.entries.length} entries in the access report`);
    for (const e of report.entries) detail(`${bj(e.time)}  ${e.agencyId}  ${e.route}  ${e.purpose ?? '-'}  ${(e.legalBasis ?? []).join(',')}`);
    const missing = reads.filter((r) => !report.entries.some((e: any) => e.agencyId === r.agencyId && e.route === r.route));
    if (missing.length > 0) {
      throw new DemoError(
        `访问报告缺少：${missing.map((m) => `${m.agencyId} ${m.route}`).join('；')}`,
        `The access report misses: ${missing.map((m) => `${m.agencyId} ${m.route}`).join('; ')}`,
      );
    }
    say(`本次演示的 ${reads.length} 次读取全部在报告中`, `All ${reads.length} reads this demo made are in the report`);
  });

  step('统筹部门的关爱闭环概览（本县）', "The coordinating role's care metrics (this county)", async () => {
    const m = expectStatus(await civil.get<any>('/v1/care-metrics?county=540102'), 200, '读取关爱统计失败', 'Reading the care metrics failed');
    say('城关区（540102）；1 至 4 显示为“<5”', 'Chengguan (540102); counts 1 to 4 show as "<5"');
    detail(`重点关爱对象 active key recipients: ${m.keyRecipients.active}; 转介 referrals: ${m.referrals.total} (completed ${m.referrals.byStatus.completed})`);
    const notShown = '—（不足 5 例不显示 fewer than 5: not shown）';
    detail(`转介至首次接触中位数 median days to first contact: ${m.firstContact.medianDays ?? notShown}`);
    const share = m.pairedCarer.share === null ? notShown : `${m.pairedCarer.share}%`;
    detail(`${m.pairedCarer.withinDays} 天内落实结对关爱人 paired carer within ${m.pairedCarer.withinDays} days: ${share}`);
    detail(`逾期 overdue: ${m.overdue.total} (follow_up_contact_due ${m.overdue.byKind.follow_up_contact_due})`);
  });

  for (const [i, s] of steps.entries()) {
    console.log(`\n【第 ${i + 1}/${steps.length} 步】${s.zh}\n[Step ${i + 1}/${steps.length}] ${s.en}`);
    try {
      await s.run();
    } catch (error) {
      const e = error instanceof DemoError ? error : new DemoError(`意外错误：${(error as Error).message}`, `Unexpected error: ${(error as Error).message}`);
      console.error(`  ✗ 第 ${i + 1} 步失败：${e.zh}\n  ✗ Step ${i + 1} failed: ${e.message}`);
      process.exit(1);
    }
    console.log('  ✓ 完成 done');
  }
  console.log(`\n演示完成：个案 ${caseId}，${steps.length} 步全部成功。\nDemo complete: case ${caseId}, all ${steps.length} steps passed.`);
}

main().catch((error: unknown) => {
  if (error instanceof DemoError) console.error(`✗ ${error.zh}\n✗ ${error.message}`);
  else console.error('演示未能运行 The demo could not run:', error);
  process.exit(1);
});
