/**
 * The rest of a probation's life — Submit Conversion, Withdraw Conversion, Edit, Enable/Disable
 * Assessment — run through n8n-core's real execution against the emulator's people (seed 20):
 * what goes on the wire, what Feishu then holds, what is refused before sending, and that a
 * retried write does not apply twice.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator, EndpointName, PeopleCase, ProbationRecord } from '../../dev/emulator';
import { DEFAULT_APP, DEFAULT_ASSESSMENT_APP_URL, PEOPLE_CASES, PEOPLE_SEED, UNKNOWN_EMPLOYEE, startEmulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { FEISHU_NODE_TYPE, runChain, runFeishu } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import { freshCredentials, withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e, c) => {
	emulator = e;
	credentials = c;
}, PEOPLE_SEED);

const CONTINUE = { continueOnFail: true };

async function run(rows: IDataObject[], parameters: INodeParameters) {
	const result = await runFeishu(credentials, rows, parameters, CONTINUE);
	expect(leakedSecrets([result.items, result.error], secretsOf(emulator))).toEqual([]);
	return result;
}

const calls = (endpoint: EndpointName) => emulator.requests.filter((r) => r.endpoint === endpoint);
const probationOf = (person: PeopleCase): ProbationRecord => emulator.probations.get(person.current.employmentId)!;
const errors = (result: { items: Array<{ json: IDataObject }> }) => result.items.map((i) => (i.json.error === undefined ? '' : String(i.json.error)));
const today = () => new Date().toISOString().slice(0, 10);

const byNumber = { __rl: true, mode: 'employeeNumber', value: '={{ $json.key }}' };

function submitParams(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'probation',
		operation: 'submitConversion',
		employee: byNumber,
		conversionMode: '={{ $json.mode }}',
		submissionType: 'hr_submission',
		notes: '={{ $json.notes }}',
		additionalFields: { actualProbationEndDate: '={{ $json.end }}', selfReview: '={{ $json.review }}' },
		...extra,
	};
}

const withdrawParams = (employee: INodeParameters['employee'] = byNumber): INodeParameters => ({ resource: 'probation', operation: 'withdrawConversion', employee });

describe('Probation → Submit Conversion', () => {
	it('starts the conversion process for an employee found by number: the body as Feishu documents it, the probation pending', async () => {
		const huang = PEOPLE_CASES.leadingZeros;
		const result = await run([{ key: huang.employeeNumber, mode: 'Start Conversion Process', review: '自评：目标均已达成' }], submitParams());
		expect(errors(result)).toEqual(['']);

		const [submit] = calls('submit');
		expect(submit.body).toEqual({
			employment_id: huang.current.employmentId,
			conversion_mode: 2,
			submission_type: 'hr_submission',
			self_review: '自评：目标均已达成',
		});
		expect(submit.query).toEqual({ client_token: expect.stringMatching(/^n8n-/), user_id_type: 'people_corehr_id' });

		expect(probationOf(huang)).toMatchObject({
			probation_status: 'pending',
			submission_type: 'hr_submission',
			initiating_time: today(),
			actual_probation_end_date: '2026-02-03',
			self_review: '自评：目标均已达成',
			process_id: expect.stringMatching(/^\d{19}$/),
		});

		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		const out = result.items[0].json;
		expect(out).toMatchObject({
			employeeNumber: '000123',
			employeeName: huang.localName,
			employmentId: huang.current.employmentId,
			submitted: true,
			conversionMode: 'process',
			submissionType: 'hr_submission',
			selfReview: '自评：目标均已达成',
			clientToken: submit.query.client_token,
			code: 0,
			logId: submit.logId,
		});
		// Feishu's probation_info, in the node's words: plain values next to readable labels.
		expect(out.probation).toMatchObject({
			employmentId: huang.current.employmentId,
			probationStatus: 'pending',
			probationStatusLabel: 'Pending',
			submissionType: 'hr_submission',
			initiatingTime: today(),
			finalAssessmentStatus: 'not_started',
		});
		expect(out.probation).not.toHaveProperty('assessments');
	});

	it('converts directly from a sheet that says it in its own words: Chinese labels, a mode given as the number 1', async () => {
		const yang = PEOPLE_CASES.numericLooking;
		const wang = PEOPLE_CASES.sameNameA;
		const result = await run(
			[
				{ key: yang.employeeNumber, mode: '直接转正', type: 'HR', notes: '试用期表现优秀', end: '2026-01-10' },
				{ key: wang.employeeNumber, mode: 1, type: 'self', notes: 'Met every goal', end: '' },
			],
			submitParams({ submissionType: '={{ $json.type }}' }),
		);
		expect(errors(result)).toEqual(['', '']);
		expect(calls('submit').map((r) => r.body)).toEqual([
			{ employment_id: yang.current.employmentId, conversion_mode: 1, submission_type: 'hr_submission', notes: '试用期表现优秀', actual_probation_end_date: '2026-01-10' },
			{ employment_id: wang.current.employmentId, conversion_mode: 1, submission_type: 'self_submission', notes: 'Met every goal' },
		]);
		expect(probationOf(yang)).toMatchObject({ probation_status: 'converted', actual_probation_end_date: '2026-01-10', notes: '试用期表现优秀' });
		// Without an actual end date Feishu takes the expected one.
		expect(probationOf(wang)).toMatchObject({ probation_status: 'converted', actual_probation_end_date: '2026-01-27', submission_type: 'self_submission' });
		expect(result.items.map((i) => [i.json.conversionMode, (i.json.probation as IDataObject).probationStatus])).toEqual([
			['direct', 'converted'],
			['direct', 'converted'],
		]);
	});

	it('refuses before sending: a direct conversion without notes, an impossible date, an unknown mode; and looks up only the rows that can be sent', async () => {
		const rows = [
			{ key: PEOPLE_CASES.leadingZeros.employeeNumber, mode: 'direct', notes: '   ' },
			{ key: PEOPLE_CASES.numericLooking.employeeNumber, mode: 'process', end: '2026-02-30' },
			{ key: PEOPLE_CASES.sameNameA.employeeNumber, mode: 'maybe' },
			{ key: UNKNOWN_EMPLOYEE.employeeNumber, mode: 'process' },
			{ key: PEOPLE_CASES.sameNameB.employeeNumber, mode: 'process' },
		];
		const result = await run(rows, submitParams());
		const [notes, date, mode, unknown, good] = errors(result);
		expect(notes).toBe(
			'Item 1 (index 0): Notes "   " is required for Conversion Mode "Convert Directly" but empty. Feishu needs a remark to convert directly, e.g. "Met every probation goal"; or choose Start Conversion Process. Nothing was sent to Feishu for this item.',
		);
		expect(date).toBe('Item 2 (index 1): Actual Probation End Date "2026-02-30" is not valid. Use a date such as 2026-05-18. Nothing was sent to Feishu for this item.');
		expect(mode).toBe(
			'Item 3 (index 2): Conversion Mode "maybe" is not valid. Allowed: Convert Directly (direct, 1, Direct, 直接转正); Start Conversion Process (process, 2, Process, Approval, 发起转正流程, 发起转正). Nothing was sent to Feishu for this item.',
		);
		expect(unknown).toBe(`Item 4 (index 3): Employee number ${UNKNOWN_EMPLOYEE.employeeNumber} matches no employee in CoreHR. Nothing was written for this item.`);
		expect(good).toBe('');
		expect(result.items.map((i) => i.pairedItem)).toEqual(rows.map((_, item) => ({ item })));

		expect(calls('submit').map((r) => r.body)).toEqual([expect.objectContaining({ employment_id: PEOPLE_CASES.sameNameB.current.employmentId })]);
		// The rows that could be sent were looked up together, in one search.
		expect(calls('employeeSearch').map((r) => (r.body as IDataObject).employee_number_list)).toEqual([[UNKNOWN_EMPLOYEE.employeeNumber, PEOPLE_CASES.sameNameB.employeeNumber]]);
		expect(probationOf(PEOPLE_CASES.leadingZeros).probation_status).toBe('waiting');
	});

	it('does not submit twice when the answer is lost and the request is retried', async () => {
		const huang = PEOPLE_CASES.leadingZeros;
		emulator.faults.dropConnections(1, { afterApply: true, match: { path: '/probation/submit' } });
		const result = await run([{ key: huang.employeeNumber, mode: 'process' }], submitParams());
		expect(errors(result)).toEqual(['']);
		const submits = calls('submit');
		expect(submits).toHaveLength(2);
		expect(submits[1].query.client_token).toBe(submits[0].query.client_token);
		expect(submits[1].deduplicated).toBe(true);
		expect(emulator.applyCount(probationOf(huang).probation_id)).toBe(1);
		expect((result.items[0].json.probation as IDataObject).probationStatus).toBe('pending');
	});

	it("passes on Feishu's refusal of a probation that is no longer waiting, or that does not exist", async () => {
		const huang = PEOPLE_CASES.leadingZeros;
		await run([{ key: huang.employeeNumber, mode: 'process' }], submitParams());
		// A new execution, so a new client token: a deliberate second submit.
		const again = await run([{ key: huang.employeeNumber, mode: 'process' }, { key: PEOPLE_CASES.withoutProbation.employeeNumber, mode: 'process' }], submitParams());
		const [pending, none] = errors(again);
		expect(pending).toContain('Item 1 (index 0): Feishu refused the request: field validation failed [employment_id = ');
		expect(pending).toContain('the probation is pending');
		expect(pending).toContain('code 99992402');
		expect(none).toContain('code 1162010');
		expect(emulator.applyCount(probationOf(huang).probation_id)).toBe(1);
	});

	it("sends the employee and the initiator as one kind of ID: an employee found by number is looked up as the initiator's Open ID", async () => {
		const huang = PEOPLE_CASES.leadingZeros;
		const hr = PEOPLE_CASES.sameNameB;
		const params = submitParams({ additionalFields: { initiatorId: '={{ $json.initiator }}' } });
		const result = await run([{ key: huang.employeeNumber, mode: 'process', initiator: hr.current.ids.open_id }], params);
		expect(errors(result)).toEqual(['']);
		const [submit] = calls('submit');
		expect(submit.query.user_id_type).toBe('open_id');
		expect(submit.body).toMatchObject({ employment_id: huang.current.ids.open_id, initiator_id: hr.current.ids.open_id });
		expect(calls('employeeSearch')[0].query.user_id_type).toBe('open_id');
		expect(probationOf(huang).initiator_id).toBe(hr.current.employmentId);
		expect(result.items[0].json).toMatchObject({ employmentId: huang.current.ids.open_id, initiatorId: hr.current.ids.open_id });
		expect((result.items[0].json.probation as IDataObject).initiatorId).toBe(hr.current.ids.open_id);

		// An employee given by CoreHR ID cannot be sent as an Open ID: refused, not guessed.
		const mixed = await run(
			[{ key: PEOPLE_CASES.sameNameA.current.employmentId, mode: 'process', initiator: hr.current.ids.open_id }],
			{ ...params, employee: { __rl: true, mode: 'id', value: '={{ $json.key }}' } },
		);
		expect(errors(mixed)[0]).toContain(`Initiator Employment ID "${hr.current.ids.open_id}" is an Open ID but the employee is given as a CoreHR employment ID`);
		expect(errors(mixed)[0]).toContain('Nothing was sent to Feishu for this item.');
		expect(calls('submit')).toHaveLength(1);
	});
});

describe('Probation → Withdraw Conversion', () => {
	it('takes back a conversion submitted earlier in the same workflow, by the employment ID Submit returned', async () => {
		const huang = PEOPLE_CASES.leadingZeros;
		const result = await runChain(credentials, [{ key: huang.employeeNumber, mode: 'process' }], [
			{ name: 'Submit', type: FEISHU_NODE_TYPE, parameters: submitParams() },
			{ name: 'Withdraw', type: FEISHU_NODE_TYPE, parameters: withdrawParams({ __rl: true, mode: 'id', value: '={{ $json.employmentId }}' }) },
		]);
		expect(result.error).toBeUndefined();
		const [withdraw] = calls('withdraw');
		expect(withdraw.body).toEqual({ employment_id: huang.current.employmentId });
		expect(withdraw.query).toEqual({ client_token: expect.stringMatching(/^n8n-/), user_id_type: 'people_corehr_id' });
		expect(withdraw.query.client_token).not.toBe(calls('submit')[0].query.client_token);
		const probation = probationOf(huang);
		expect(probation.probation_status).toBe('waiting');
		expect(probation).not.toHaveProperty('initiating_time');
		expect(probation).not.toHaveProperty('process_id');
		const [out] = result.outputs.Withdraw;
		expect(out.json).toMatchObject({ employeeNumber: '000123', employmentId: huang.current.employmentId, withdrawn: true, code: 0, clientToken: withdraw.query.client_token });
		expect(out.pairedItem).toEqual({ item: 0 });
	});

	it('does not withdraw twice when the answer is lost: the retry is the same request', async () => {
		const huang = PEOPLE_CASES.leadingZeros;
		await run([{ key: huang.employeeNumber, mode: 'process' }], submitParams());
		const applied = emulator.applyCount(probationOf(huang).probation_id);
		emulator.faults.dropConnections(1, { afterApply: true, match: { path: '/probation/withdraw' } });
		const result = await run([{ key: huang.employeeNumber }], withdrawParams());
		expect(errors(result)).toEqual(['']);
		const withdraws = calls('withdraw');
		expect(withdraws).toHaveLength(2);
		expect(withdraws[1].query.client_token).toBe(withdraws[0].query.client_token);
		// Without the token the retry would have been refused: the probation was already waiting.
		expect(withdraws[1].deduplicated).toBe(true);
		expect(emulator.applyCount(probationOf(huang).probation_id)).toBe(applied + 1);
		expect(probationOf(huang).probation_status).toBe('waiting');
	});

	it("passes on Feishu's refusal when there is no conversion to withdraw", async () => {
		const result = await run([{ key: PEOPLE_CASES.sameNameA.employeeNumber }], withdrawParams());
		expect(errors(result)[0]).toContain('the probation is waiting');
		expect(errors(result)[0]).toContain('code 99992402');
		expect(probationOf(PEOPLE_CASES.sameNameA).probation_status).toBe('waiting');
	});
});

describe('Probation → Edit', () => {
	const editParams = (employee: INodeParameters['employee'] = byNumber): INodeParameters => ({
		resource: 'probation',
		operation: 'edit',
		employee,
		changes: {
			probationStartDate: '={{ $json.start }}',
			probationExpectedEndDate: '={{ $json.end }}',
			probationOutcome: '={{ $json.outcome }}',
			probationExtendExpectedEndDate: '={{ $json.extendedEnd }}',
			extendedProbationPeriodDuration: '={{ $json.length }}',
			extendedProbationPeriodUnit: '={{ $json.unit }}',
			notes: '={{ $json.notes }}',
		},
	});

	it('extends a probation found by work email, sending only the fields the row gives; Search then shows the outcome', async () => {
		const gao = PEOPLE_CASES.severalNonFinal;
		const before = { ...probationOf(gao) };
		const result = await run(
			[{ key: gao.email, outcome: '延长试用期', length: '2', unit: '月', extendedEnd: '2026-02-15', notes: 'Two more months to finish onboarding' }],
			editParams({ __rl: true, mode: 'email', value: '={{ $json.key }}' }),
		);
		expect(errors(result)).toEqual(['']);
		const [edit] = calls('edit');
		expect(edit.body).toEqual({
			employment_id: gao.current.employmentId,
			probation_outcome: 'delayed',
			extended_probation_period_duration: 2,
			extended_probation_period_unit: 'month',
			probation_extend_expected_end_date: '2026-02-15',
			notes: 'Two more months to finish onboarding',
		});
		// Feishu's edit takes no client token.
		expect(edit.query).toEqual({ user_id_type: 'people_corehr_id' });
		expect(probationOf(gao)).toMatchObject({
			probation_outcome: 'delayed',
			extended_probation_period_duration: 2,
			extended_probation_period_unit: 'month',
			probation_extend_expected_end_date: '2026-02-15',
			probation_start_date: before.probation_start_date,
			probation_expected_end_date: before.probation_expected_end_date,
		});
		expect(result.items[0].json).toMatchObject({
			employeeNumber: gao.employeeNumber,
			employmentId: gao.current.employmentId,
			edited: true,
			probationOutcome: 'delayed',
			extendedProbationPeriodDuration: 2,
			extendedProbationPeriodUnit: 'month',
			probationExtendExpectedEndDate: '2026-02-15',
			code: 0,
		});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });

		const search = await run([{}], { resource: 'probation', operation: 'search', filters: { employmentIds: gao.current.employmentId, userIdType: 'people_corehr_id' } });
		expect(search.items[0].json).toMatchObject({
			probationOutcome: 'delayed',
			probationOutcomeLabel: 'Delayed',
			extendedProbationPeriodDuration: 2,
			extendedProbationPeriodUnit: 'month',
			probationExtendExpectedEndDate: '2026-02-15',
			notes: 'Two more months to finish onboarding',
		});
	});

	it('refuses before sending: half an extension, a length that is no whole number from 1 to 500, an end before the start, a bad date, nothing to change', async () => {
		const key = PEOPLE_CASES.sameNameA.employeeNumber;
		const rows = [
			{ key, outcome: 'passed', length: 3 },
			{ key, unit: 'week' },
			{ key, length: '2.5', unit: 'week' },
			{ key, length: 501, unit: 'day' },
			{ key, start: '2026-03-01', end: '2026-01-01' },
			{ key, start: 'next Monday' },
			{ key, notes: '  ' },
			{ key, outcome: 'Passed' },
		];
		const result = await run(rows, editParams());
		expect(errors(result)).toEqual([
			'Item 1 (index 0): Extension Unit (empty) is required when Extension Length is set. Set both Extension Length and Extension Unit, e.g. 2 and Months. Nothing was sent to Feishu for this item.',
			'Item 2 (index 1): Extension Length (empty) is required when Extension Unit is set. Set both Extension Length and Extension Unit, e.g. 2 and Months. Nothing was sent to Feishu for this item.',
			'Item 3 (index 2): Extension Length "2.5" is not valid. Use a whole number from 1 to 500, e.g. 2 (with Extension Unit Months). Nothing was sent to Feishu for this item.',
			'Item 4 (index 3): Extension Length 501 is not valid. Use a whole number from 1 to 500, e.g. 2 (with Extension Unit Months). Nothing was sent to Feishu for this item.',
			'Item 5 (index 4): Expected Probation End Date "2026-01-01" is before the Probation Start Date 2026-03-01. A probation cannot end before it starts: check both dates. Nothing was sent to Feishu for this item.',
			'Item 6 (index 5): Probation Start Date "next Monday" is not valid. Use a date such as 2026-05-18. Nothing was sent to Feishu for this item.',
			'Item 7 (index 6): Fields to Change (empty) has nothing to send. Add at least one field with a value, e.g. Probation Outcome; blank values are not sent. Nothing was sent to Feishu for this item.',
			'',
		]);
		expect(calls('edit').map((r) => r.body)).toEqual([{ employment_id: PEOPLE_CASES.sameNameA.current.employmentId, probation_outcome: 'passed' }]);
	});

	it('ends in the state asked for when the answer is lost and the edit is sent again', async () => {
		const wang = PEOPLE_CASES.sameNameB;
		emulator.faults.dropConnections(1, { afterApply: true, match: { path: '/probation/edit' } });
		const result = await run([{ key: wang.employeeNumber, outcome: 'failed', notes: 'Did not meet the goals' }], editParams());
		expect(errors(result)).toEqual(['']);
		const edits = calls('edit');
		// No client token on edit: the retry applies again, with the very same values.
		expect(edits).toHaveLength(2);
		expect(edits[1].body).toEqual(edits[0].body);
		expect(emulator.applyCount(probationOf(wang).probation_id)).toBe(2);
		expect(probationOf(wang)).toMatchObject({ probation_outcome: 'failed', notes: 'Did not meet the goals' });
		expect(result.items[0].json).toMatchObject({ edited: true, probationOutcome: 'failed' });
	});
});

describe('Probation → Enable/Disable Assessment', () => {
	const switchParams = (assessmentFeature: unknown, appUrl = ''): INodeParameters => ({
		resource: 'probation',
		operation: 'enableDisableAssessment',
		assessmentFeature: assessmentFeature as string,
		appUrl,
	});

	it('switches the tenant flag off and on again, with the link only when enabling', async () => {
		const off = await run([{ on: false }], switchParams('={{ $json.on }}', 'https://ignored.example.com'));
		expect(errors(off)).toEqual(['']);
		expect(calls('enableDisableAssessment')[0].body).toEqual({ active: false });
		expect(calls('enableDisableAssessment')[0].query).toEqual({});
		expect(emulator.assessmentFeature.active).toBe(false);
		expect(off.items[0].json).toMatchObject({ active: false, assessmentFeature: 'disabled', changed: true, alreadyInState: false, code: 0 });
		expect(off.items[0].json).not.toHaveProperty('appUrl');

		const on = await run([{}], switchParams('enable', 'https://hr.example.com/probation'));
		expect(errors(on)).toEqual(['']);
		expect(calls('enableDisableAssessment')[1].body).toEqual({ active: true, app_url: 'https://hr.example.com/probation' });
		expect(emulator.assessmentFeature).toEqual({ active: true, app_url: 'https://hr.example.com/probation' });
		expect(on.items[0].json).toMatchObject({ active: true, appUrl: 'https://hr.example.com/probation', assessmentFeature: 'enabled', changed: true, alreadyInState: false });
		expect(on.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('counts "already in that state" (1161025) as done, and says plainly that nothing changed and the link was kept', async () => {
		const result = await run([{}], switchParams('启用', 'https://new.example.com/assessments'));
		expect(errors(result)).toEqual(['']);
		expect(result.items[0].json).toMatchObject({
			active: true,
			assessmentFeature: 'enabled',
			changed: false,
			alreadyInState: true,
			code: 1161025,
			msg: 'Do not repeatedly turn on/off the function',
			logId: calls('enableDisableAssessment')[0].logId,
		});
		expect(result.items[0].json.note).toBe(
			'The assessment feature was already enabled; nothing changed. Feishu keeps the App URL it already had; to replace it, disable the feature and enable it again with the new one.',
		);
		expect(emulator.assessmentFeature).toEqual({ active: true, app_url: DEFAULT_ASSESSMENT_APP_URL });
	});

	it('refuses before sending: enabling without a link or with one that is not http(s), and a state it does not know', async () => {
		const result = await run([{ state: 'enable', url: '' }, { state: 'on', url: 'ftp://hr.example.com' }, { state: 'maybe', url: '' }], switchParams('={{ $json.state }}', '={{ $json.url }}'));
		expect(errors(result)).toEqual([
			'Item 1 (index 0): Assessment App URL "" is required to enable the assessment feature but empty. Give the link to your assessment system\'s entry page, e.g. https://hr.example.com/probation-assessments. Nothing was sent to Feishu for this item.',
			'Item 2 (index 1): Assessment App URL "ftp://hr.example.com" is not valid. Use a full link starting with http:// or https://. Nothing was sent to Feishu for this item.',
			'Item 3 (index 2): Assessment Feature "maybe" is not valid. Allowed: Enable (enable, Enabled, On, true, yes, 启用, 开启); Disable (disable, Disabled, Off, false, no, 停用, 关闭). Nothing was sent to Feishu for this item.',
		]);
		expect(calls('enableDisableAssessment')).toHaveLength(0);
	});

	it('does not call a retry that meets its own lost attempt "already in that state": it says the outcome of that attempt is unknown, and the state is as asked', async () => {
		emulator.faults.dropConnections(1, { afterApply: true, match: { path: '/enable_disable_assessment' } });
		const result = await run([{}], switchParams('disable'));
		expect(errors(result)).toEqual(['']);
		expect(calls('enableDisableAssessment')).toHaveLength(2);
		expect(emulator.assessmentFeature.active).toBe(false);
		expect(result.items[0].json).toMatchObject({ active: false, changed: null, alreadyInState: null, code: 1161025 });
		expect(result.items[0].json.note).toBe(
			'The answer to an earlier attempt was lost, and the retry found the feature already disabled: either that attempt disabled it, or it already was. Either way it is disabled now.',
		);
	});
});

describe('the scopes each operation needs', () => {
	const NO_PROBATION_WRITE = { appId: 'cli_noprobwrite000001', appSecret: 'no-probation-write-secret-5b7c1d', missingScopes: ['corehr:probation:write'] };
	const NO_ASSESSMENT_WRITE = { appId: 'cli_noassesswrite0001', appSecret: 'no-assessment-write-secret-9a2e', missingScopes: ['corehr:probation.assessment:write'] };
	let scoped: Emulator;
	beforeAll(async () => {
		scoped = await startEmulator({ seed: PEOPLE_SEED, apps: [DEFAULT_APP, NO_PROBATION_WRITE, NO_ASSESSMENT_WRITE] });
	});
	afterAll(async () => await scoped.close());

	it('names corehr:probation:write for submit, withdraw and edit, and corehr:probation.assessment:write for the assessment switch', async () => {
		const key = PEOPLE_CASES.leadingZeros.employeeNumber;
		const noProbationWrite = freshCredentials(scoped, NO_PROBATION_WRITE);
		for (const parameters of [submitParams(), withdrawParams(), { resource: 'probation', operation: 'edit', employee: byNumber, changes: { notes: 'x' } }]) {
			const result = await runFeishu(noProbationWrite, [{ key, mode: 'process' }], parameters, CONTINUE);
			expect(errors(result)[0]).toContain('missing scope corehr:probation:write');
			expect(errors(result)[0]).toContain('code 99991672');
		}
		const noAssessmentWrite = freshCredentials(scoped, NO_ASSESSMENT_WRITE);
		const result = await runFeishu(noAssessmentWrite, [{}], { resource: 'probation', operation: 'enableDisableAssessment', assessmentFeature: 'disable' }, CONTINUE);
		expect(errors(result)[0]).toContain('missing scope corehr:probation.assessment:write');
		// The other app may switch it: the scopes are separate.
		const allowed = await runFeishu(noProbationWrite, [{}], { resource: 'probation', operation: 'enableDisableAssessment', assessmentFeature: 'disable' }, CONTINUE);
		expect(errors(allowed)).toEqual(['']);
	});
});
