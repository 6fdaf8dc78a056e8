/** The care loop's routes of the API contract (docs/care-loop.md); spread into API_ROUTES in schemas/api.ts. */
import {
  agreementBody,
  agreementsResponse,
  agreementView,
  careTeamMemberBody,
  careTeamMemberView,
  careTeamResponse,
  endMemberBody,
  idempotencyKeyHeader,
  memberIdParam,
  worklistQuery,
  worklistResponse,
} from './care';
import { caseIdParam } from './common';
import { enrolBody, enrolResponse, episodesResponse, episodeView, exitBody } from './key-recipients';
import { assessmentBody, assessmentsResponse, assessmentView } from './assessments';
import { referralBody, referralIdParam, referralsQuery, referralsResponse, referralView, transitionBody } from './referrals';
import { contactBody, contactsResponse, contactView } from './contacts';
import { carePlanBody, carePlanHistoryResponse, carePlansQuery, carePlansResponse, carePlanVersionBody, carePlanView, planIdParam } from './care-plans';
import { careMetricsQuery, careMetricsResponse } from './care-metrics';
import type { RouteContract } from './route-contract';

export const CARE_ROUTES = {
  'POST /v1/cases/{caseId}/agreements': {
    summary:
      "Record the guardian's service agreement: agrees with the assessment result and to follow-up services, or declines with a reason; the child's own view beside it. Immutable: a change is a new agreement. A holder of the case only",
    summaryZh: '记录监护人服务同意：认同评估结果并同意接受跟进服务，或不同意（须说明原因），并记录儿童本人意见。不可修改，变更须新建。仅限个案记录持有机构',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: agreementBody,
    responses: {
      201: { description: 'The agreement', schema: agreementView },
      200: { description: 'A retry with the same Idempotency-Key and body: the agreement the first request recorded', schema: agreementView },
    },
  },
  'GET /v1/cases/{caseId}/agreements': {
    summary: "A case's service agreements, newest first, and whether an agreement to follow-up is in force. A holder of the case only",
    summaryZh: '个案的服务同意记录（按时间倒序）及当前是否同意接受跟进服务。仅限个案记录持有机构',
    discloses: true,
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    responses: { 200: { description: 'Agreements; other holders as `holder:N` unless consent lets you know who', schema: agreementsResponse } },
  },
  'GET /v1/worklist': {
    summary:
      "Your agency's worklist: what you have to do for a case (decide an enrolment proposal, re-refer or close after a rejected referral), newest first; `status=done` for what was done",
    summaryZh: '本机构待办：需为个案处理的事项（审核重点关爱纳入建议、转介被拒后重新转介或结案等），按时间倒序；status=done 查看已办',
    auth: 'signed',
    query: worklistQuery,
    responses: { 200: { description: 'A page of work items; `cursor` continues', schema: worklistResponse } },
  },
  'GET /v1/care-metrics': {
    summary:
      'The care loop at a glance, for the province or one county: active key recipients by risk level, referrals by status, median days from referral to first contact, share of discharged children with a paired carer within N days, overdue work by kind. Codes and counts only; counts 1 to 4 shown as "<5". The coordinating role only',
    summaryZh:
      '关爱闭环概览（全省或某县区）：在册重点关爱对象（按风险等级）、转介（按状态）、转介至首次接触的天数中位数、出院儿童在 N 天内落实结对关爱人的比例、逾期事项（按类别）。仅含代码与数量，1 至 4 显示为“<5”。仅限统筹部门',
    auth: 'signed',
    query: careMetricsQuery,
    responses: { 200: { description: 'The figures', schema: careMetricsResponse } },
  },
  'POST /v1/cases/{caseId}/care-team': {
    summary:
      "Add a member to the child's care team (growth mentor, peer partner, paired carer, children's director, psychiatrist, …) by role, agency and opaque staff id; a peer partner is another child and carries no identifier. A holder adds its own staff; the coordinating role any agency's",
    summaryZh:
      '添加关爱团队成员（成长导师、互助伙伴、结对关爱人、儿童主任、精神科医生等），按角色、机构及经办人编号记录；互助伙伴为其他儿童，不记录任何身份信息。持有机构添加本机构人员，统筹部门可添加任一机构人员',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: careTeamMemberBody,
    responses: {
      201: { description: 'The member', schema: careTeamMemberView },
      200: { description: 'A retry with the same Idempotency-Key and body: the member the first request added', schema: careTeamMemberView },
    },
  },
  'GET /v1/cases/{caseId}/care-team': {
    summary: "The child's care team, active and planned members first. Holders, the coordinating role and agencies with a member",
    summaryZh: '儿童的关爱团队（在岗及待岗成员在前）。限个案记录持有机构、统筹部门及有成员在团队中的机构',
    discloses: true,
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    responses: { 200: { description: 'The care team', schema: careTeamResponse } },
  },
  'POST /v1/cases/{caseId}/care-team/{memberId}/end': {
    summary: "End a care-team membership, with a reason. The member's agency or the coordinating role; once",
    summaryZh: '结束关爱团队成员身份（须说明原因）。限成员所属机构或统筹部门；仅可结束一次',
    auth: 'signed',
    pathParams: { caseId: caseIdParam, memberId: memberIdParam },
    body: endMemberBody,
    responses: { 200: { description: 'The ended membership', schema: careTeamMemberView } },
  },
  'POST /v1/cases/{caseId}/care-plans': {
    summary:
      'Create a care plan (FHIR CarePlan): category, goals, activities with their owner agency, due date and status, review date. Purpose care_plan, established by your care in the case (a record with the guardian’s agreement to follow-up, or an active care-team member)',
    summaryZh:
      '制定关爱方案：类别、目标、活动（负责机构、截止日期、状态）及复评日期。须在“关爱方案”目的下，且本机构参与该个案关爱（持有记录且监护人同意跟进，或有在岗关爱团队成员）',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: carePlanBody,
    responses: {
      201: { description: 'Version 1 of the plan', schema: carePlanView },
      200: { description: 'A retry with the same Idempotency-Key and body: the plan the first request created', schema: carePlanView },
    },
  },
  'GET /v1/cases/{caseId}/care-plans': {
    summary: 'The latest version of each care plan you take part in (author, activity owner or care team), and which plans you do not. Purpose care_plan',
    summaryZh: '本机构参与的各关爱方案的最新版本（作者、活动负责机构或关爱团队成员），并列出未参与的方案编号。须在“关爱方案”目的下',
    auth: 'signed',
    discloses: true,
    pathParams: { caseId: caseIdParam },
    query: carePlansQuery,
    responses: { 200: { description: 'Plans', schema: carePlansResponse } },
  },
  'GET /v1/cases/{caseId}/care-plans/{planId}': {
    summary: 'Every version of one care plan, oldest first. Participants only; purpose care_plan',
    summaryZh: '某关爱方案的全部版本（按时间顺序）。仅限参与机构，须在“关爱方案”目的下',
    auth: 'signed',
    discloses: true,
    pathParams: { caseId: caseIdParam, planId: planIdParam },
    responses: { 200: { description: 'The plan and its versions', schema: carePlanHistoryResponse } },
  },
  'POST /v1/cases/{caseId}/care-plans/{planId}/versions': {
    summary:
      'Update a care plan by a new version based on the latest (baseVersion): status moves draft -> active -> on-hold/completed/revoked; a stale base or a lost race answers 409 STATE_CONFLICT. Participants only; purpose care_plan',
    summaryZh:
      '以新版本更新关爱方案（baseVersion 须为最新版本）：状态由草稿→生效→暂停/完成/撤销；版本过旧或并发冲突返回 409。仅限参与机构，须在“关爱方案”目的下',
    auth: 'signed',
    pathParams: { caseId: caseIdParam, planId: planIdParam },
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: carePlanVersionBody,
    responses: {
      201: { description: 'The new version', schema: carePlanView },
      200: { description: 'A retry with the same Idempotency-Key and body: the version the first request wrote', schema: carePlanView },
    },
  },
  'POST /v1/cases/{caseId}/contacts': {
    summary:
      'Record a follow-up contact (home or school visit, talk, call, group activity): who was interviewed, an outcome code, sealed notes; stores when the next contact is due by the latest risk level. Purpose follow_up, established by your care in the case',
    summaryZh:
      '记录随访（家访、校访、谈话、电话、团体活动）：访谈对象、结果代码及（加密保存的）记录；按最新风险等级计算下次随访日期。须在“随访跟踪”目的下，且本机构参与该个案关爱',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: contactBody,
    responses: {
      201: { description: 'The contact', schema: contactView },
      200: { description: 'A retry with the same Idempotency-Key and body: the contact the first request recorded', schema: contactView },
    },
  },
  'GET /v1/cases/{caseId}/contacts': {
    summary:
      "A case's follow-up contacts, newest first, and when the next is due: your own in full, others' as consent allows (category assessment), the rest withheld with the reason. Purpose follow_up",
    summaryZh: '个案随访记录（按时间倒序）及下次随访日期：本机构记录完整可见，其他机构记录按同意披露（评估类），未披露项列明原因。须在“随访跟踪”目的下',
    auth: 'signed',
    discloses: true,
    pathParams: { caseId: caseIdParam },
    responses: { 200: { description: 'Contacts', schema: contactsResponse } },
  },
  'POST /v1/referrals': {
    summary:
      "Refer a child to another agency (FHIR ServiceRequest, followed as a Task): reasons, priority, basedOn for a referral back. A holder of the case; needs the guardian's agreement to follow-up in force (409 REFERRAL_NEEDS_AGREEMENT), except priority stat under your open emergency access (audited at high severity). Deadlines by priority from the province config",
    summaryZh:
      '转介儿童至其他机构：转介原因、优先级；回转时以 basedOn 关联原转介。仅限个案记录持有机构；须监护人同意接受跟进服务（否则 409 REFERRAL_NEEDS_AGREEMENT），紧急访问期间的危机转介（stat）除外（高等级审计）。按优先级依省级配置设定办理时限',
    auth: 'signed',
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: referralBody,
    responses: {
      201: { description: 'The referral', schema: referralView },
      200: { description: 'A retry with the same Idempotency-Key and body: the referral the first request made', schema: referralView },
    },
  },
  'GET /v1/referrals': {
    summary: 'Your referrals as requester or owner, newest first, optionally by status; cursor paging (with a status, pages may be short: follow the cursor)',
    summaryZh: '本机构作为转出方或接收方的转介（按时间倒序），可按状态筛选；游标分页',
    auth: 'signed',
    discloses: true,
    query: referralsQuery,
    responses: { 200: { description: 'A page of referrals', schema: referralsResponse } },
  },
  'GET /v1/referrals/{referralId}': {
    summary: 'A referral with its transitions and its two-way chain. Its requester and owner only; anyone else 404',
    summaryZh: '转介详情（含状态变更记录及双向转介链）。仅限转出方与接收方，其他机构返回 404',
    auth: 'signed',
    discloses: true,
    pathParams: { referralId: referralIdParam },
    responses: { 200: { description: 'The referral', schema: referralView } },
  },
  'POST /v1/referrals/{referralId}/transitions': {
    summary:
      'Move a referral: requested -> received -> accepted | rejected (reason) -> in-progress -> completed (outcome) | failed (reason); on-hold <-> in-progress; cancelled by the requester before in-progress. Only the owner receives, accepts, rejects, starts, holds, completes, fails; only the requester cancels. Any other move (or one that lost a race) answers 409 STATE_CONFLICT naming the moves allowed',
    summaryZh:
      '变更转介状态：已发出→已接收→已接受｜已拒绝（须说明原因）→处理中→已完成（须填写结果）｜未成功（须说明原因）；处理中与暂停可互转；转出方可在处理前撤销。其他变更（或并发冲突）返回 409 STATE_CONFLICT 并列明可行操作',
    auth: 'signed',
    pathParams: { referralId: referralIdParam },
    body: transitionBody,
    responses: { 200: { description: 'The referral after the move', schema: referralView } },
  },
  'POST /v1/cases/{caseId}/assessments': {
    summary:
      "Add to the child's identification and assessment history (append-only): an identification (healthy or at risk) or an assessment or reassessment with a level of the province's risk scale, risk factors, instrument and score, assessor, date, sealed notes. A holder of the case; a rise of the level notifies the coordinating role and the other holders",
    summaryZh:
      '新增识别或评估记录（只增不改）：识别结果（健康或有风险），或评估/复评的风险等级（按本省等级）、风险因素、量表及得分、评估人、日期及加密备注。仅限个案记录持有机构；风险等级上升时通知统筹部门及其他持有机构',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: assessmentBody,
    responses: {
      201: { description: 'The entry', schema: assessmentView },
      200: { description: 'A retry with the same Idempotency-Key and body: the entry the first request recorded', schema: assessmentView },
    },
  },
  'GET /v1/cases/{caseId}/assessments': {
    summary:
      "The identification and assessment history, newest first, and where the child stands now (never assessed, identified healthy, identified at risk, assessed at a level): your own entries in full, others' as consent allows for your declared purpose, the rest withheld with the reason. A holder of the case",
    summaryZh:
      '识别与评估记录（按时间倒序）及当前状态（未评估、识别为健康、识别为有风险、已评估及等级）：本机构记录完整可见，其他机构记录按声明目的依同意披露，未披露项列明原因。仅限个案记录持有机构',
    auth: 'signed',
    discloses: true,
    pathParams: { caseId: caseIdParam },
    responses: { 200: { description: 'The history', schema: assessmentsResponse } },
  },
  'POST /v1/cases/{caseId}/key-recipient': {
    summary:
      'Enrol the child in the key-recipient ledger (重点关爱服务对象台账; FHIR EpisodeOfCare) with entry reasons: the coordinating role decides (201, a new episode; 409 if one is active). A holder proposes instead (202): the proposal goes on the coordinators’ worklists',
    summaryZh:
      '将儿童纳入重点关爱服务对象台账（说明纳入原因）：由统筹部门决定（201，新服务周期；已在台账中返回 409）。其他持有机构提交纳入建议（202），进入统筹部门待办',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: enrolBody,
    responses: {
      201: { description: 'The new episode', schema: episodeView },
      202: { description: 'A holder’s proposal, for the coordinating role to decide', schema: enrolResponse },
      200: { description: 'A retry with the same Idempotency-Key and body: the episode the first request opened', schema: episodeView },
    },
  },
  'POST /v1/cases/{caseId}/key-recipient/exit': {
    summary: 'End the active key-recipient episode with an exit reason. The coordinating role only; 409 when none is active',
    summaryZh: '结束当前重点关爱服务周期并说明原因。仅限统筹部门；无进行中的服务周期时返回 409',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    body: exitBody,
    responses: { 200: { description: 'The ended episode', schema: episodeView } },
  },
  'GET /v1/cases/{caseId}/key-recipient': {
    summary: 'Whether the child is a key recipient (active, exited, never), and every episode, newest first. Holders and the coordinating role',
    summaryZh: '儿童是否在重点关爱台账中（进行中、已退出、从未纳入）及全部服务周期。限个案记录持有机构及统筹部门',
    auth: 'signed',
    discloses: true,
    pathParams: { caseId: caseIdParam },
    responses: { 200: { description: 'Episodes', schema: episodesResponse } },
  },
} as const satisfies Record<string, RouteContract>;
