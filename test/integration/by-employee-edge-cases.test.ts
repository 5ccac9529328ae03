/**
 * Reviewer's attempts to break Update/Create by employee as a user would. Each test states what
 * the README promises; a failing test here is a defect report.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator, SeedEmployment } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { CREDENTIAL_ID, MemoryCredentialsHelper as Helper, runFeishu } from '../../dev/harness/n8nCore';
import { startEmulator } from '../../dev/emulator';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import { updateByEmployee } from '../helpers/updateRun';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;

const NO_ASSESSMENT_SCOPE_APP = { appId: 'cli_noassess0000000002', appSecret: 'no-assessment-scope-secret-5b5b5b', missingScopes: ['corehr:probation.assessment:read', 'corehr:probation.assessment:write'] };
const NO_EMPLOYEE_SCOPE_APP = { appId: 'cli_noemp000000000001', appSecret: 'no-employee-scope-secret-7a7a7a7a', missingScopes: ['corehr:employee:read', 'corehr:employee:write'] };

beforeAll(async () => {
	emulator = await startEmulator({ seed: 0, apps: [{ appId: 'cli_a1b2c3d4e5f6a7b8', appSecret: 'emulator-app-secret-0123456789abcdef' }, NO_EMPLOYEE_SCOPE_APP, NO_ASSESSMENT_SCOPE_APP] });
});
afterAll(async () => await emulator?.close());

function credentialsFor(app: { appId: string; appSecret: string }): MemoryCredentialsHelper {
	const helper = new Helper();
	helper.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, appId: app.appId, appSecret: app.appSecret });
	return helper;
}

beforeEach(() => {
	credentials = credentialsFor(emulator.defaultApp);
});

const person = (employee_number: string, email_address: string, name: string, extra: Partial<SeedEmployment> = {}): SeedEmployment => ({
	employee_number,
	email_address,
	person_info: { preferred_name: name, preferred_local_full_name: name, preferred_english_full_name: name },
	probation_start_date: '2026-08-01',
	probation_expected_end_date: '2026-11-01',
	probation_status: 'waiting',
	assessments: [{ assessment_status: 'not_started', is_final_asssessment: true }],
	...extra,
});

const byEmployee = updateByEmployee;

async function run(rows: IDataObject[], parameters: INodeParameters, opts: { continueOnFail?: boolean; with?: MemoryCredentialsHelper } = {}) {
	const result = await runFeishu(opts.with ?? credentials, rows, parameters, { continueOnFail: opts.continueOnFail ?? true });
	expect(leakedSecrets([result.items, result.error], secretsOf(emulator))).toEqual([]);
	return result;
}

const writes = () => emulator.requests.filter((r) => r.method === 'PATCH' || (r.method === 'POST' && r.path.endsWith('/probation/assessments')));
const errorOf = (item: { json: IDataObject }) => String(item.json.error ?? '');
const employmentOf = (employeeNumber: string) => [...emulator.employments.values()].find((e) => e.employee_number === employeeNumber)!.employment_id;
const assessmentsOf = (employeeNumber: string) => emulator.probations.get(employmentOf(employeeNumber))!.assessment_ids.map((id) => emulator.assessments.get(id)!);

describe('the same person twice in one sheet', () => {
	it('"Only Assessment, or Create It" creates one assessment, not one per row', async () => {
		emulator.reset({ employments: [person('E001', 'a@example.com', '甲', { assessments: [] })] });
		const result = await run(
			[
				{ key: 'E001', final: 'yes', comment: 'first row' },
				{ key: 'E001', final: 'yes', comment: 'second row (a duplicate form submission)' },
			],
			byEmployee('employeeNumber', { whichAssessment: 'onlyOrCreate' }),
		);
		// Whatever the node does with the second row, the probation must not end with two final assessments.
		expect(assessmentsOf('E001')).toHaveLength(1);
		expect(result.items).toHaveLength(2);
	});

	it('a later row with Keep Current Value does not undo an earlier row\'s explicit final flag', async () => {
		emulator.reset({ employments: [person('E002', 'b@example.com', '乙')] });
		const [final] = assessmentsOf('E002');
		await run(
			[
				{ key: 'E002', final: 'no', comment: 'row 1 says: not final' },
				{ key: 'E002', final: '', comment: 'row 2 keeps the flag' },
			],
			byEmployee('employeeNumber', { whichAssessment: 'only' }),
		);
		// Row 2 said "keep": the value Feishu holds after row 1 is false.
		expect(emulator.assessments.get(final.assessment_id)!.is_final_asssessment).toBe(false);
	});

	it('by Assessment ID: Keep Current Value after an earlier row changed the flag keeps the new value', async () => {
		emulator.reset({ employments: [person('E003', 'c@example.com', '丙')] });
		const [final] = assessmentsOf('E003');
		await run(
			[
				{ id: final.assessment_id, emp: employmentOf('E003'), final: 'no' },
				{ id: final.assessment_id, emp: employmentOf('E003'), final: 'keep' },
			],
			{
				resource: 'probationAssessment',
				operation: 'update',
				assessmentBy: 'assessmentId',
				assessmentId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				employmentId: '={{ $json.emp }}',
				assessmentStatus: 'completed',
				isFinalAssessment: '={{ $json.final }}',
			},
		);
		expect(writes().map((w) => (w.body as IDataObject).is_final_asssessment)).toEqual([false, false]);
	});
});

describe('employee numbers that arrived as numbers', () => {
	it('does not write to "030123" when the number 30123 also matches a (terminated) employee numbered exactly 30123', async () => {
		emulator.reset({
			employments: [
				person('30123', 'left@example.com', '离职者', { employment_status: 'terminated' }),
				person('030123', 'current@example.com', '在职者'),
			],
		});
		const result = await run([{ key: 30123, final: '' }], byEmployee('employeeNumber'));
		// Two spellings match two different people; README: only "when only one spelling matches" is the row written.
		expect(writes()).toEqual([]);
		expect(errorOf(result.items[0])).toContain('30123');
	});
});

describe('work emails', () => {
	it('finds a person whose work email is stored with capitals, given exactly as stored', async () => {
		emulator.reset({ employments: [person('E010', 'Zhang.San@Example.com', '张三')] });
		const result = await run([{ key: 'Zhang.San@Example.com', final: '' }], byEmployee('email'));
		expect(errorOf(result.items[0])).toBe('');
		expect(writes()).toHaveLength(1);
	});

	it('never writes to the other of two people whose emails differ only in case', async () => {
		emulator.reset({
			employments: [
				person('E011', 'Li.Si@example.com', '李四 A'),
				person('E012', 'li.si@example.com', '李四 B'),
			],
		});
		const result = await run([{ key: 'Li.Si@example.com', final: '' }], byEmployee('email'));
		// Either the row's own person (E011) or a refusal; never E012.
		const written = writes().map((w) => w.path.split('/').pop());
		expect(written).not.toContain(assessmentsOf('E012')[0].assessment_id);
		expect(result.items).toHaveLength(1);
	});
});

describe('a lookup that fails', () => {
	it('each row\'s error names only that row, and says nothing was written', async () => {
		emulator.reset({ employments: [person('E020', 'd@example.com', '丁'), person('E021', 'e@example.com', '戊'), person('E022', 'f@example.com', '己')] });
		const result = await run(
			[{ key: 'E020' }, { key: 'E021' }, { key: 'E022' }],
			byEmployee('employeeNumber', { isFinalAssessment: 'keep' }),
			{ with: credentialsFor(NO_EMPLOYEE_SCOPE_APP) },
		);
		const errors = result.items.map(errorOf);
		expect(writes()).toEqual([]);
		for (const [n, error] of errors.entries()) {
			expect(error.startsWith(`Item ${n + 1} (index ${n}): Looking up the employees failed: Feishu`)).toBe(true);
			expect(error.match(/Item \d+ \(index \d+\)/g)).toHaveLength(1);
			expect(error).toContain('corehr:employee:read');
		}
		// The row's refusal should say nothing was written, as every other refusal before a write does.
		expect(errors[0]).toMatch(/[Nn]othing was (written|sent)/);
	});
});

describe('a 5xx storm on the employee lookup', () => {
	it('fails the row with a message that says it was a read and nothing was written, not that a write may have landed', async () => {
		emulator.reset({ employments: [person('E030', 'g@example.com', '庚')] });
		emulator.faults.serverErrors(10, { match: { path: '/employees/search' } });
		const result = await run([{ key: 'E030' }], byEmployee('employeeNumber', { isFinalAssessment: 'keep', options: { maxRetries: 1 } }));
		const [error] = result.items.map(errorOf);
		expect(writes()).toEqual([]);
		expect(error).toContain('Item 1 (index 0)');
		// Only a read was attempted: "may have reached Feishu; its outcome is unknown" tells an HR user a write may have happened.
		expect(error).not.toContain('may have reached Feishu');
		expect(error).toMatch(/[Nn]othing was (written|sent)/);
	});
});

describe('Employee → Search → Include Probation without the assessment scope', () => {
	it('does not present a probation without its assessments as if it had none (issue 9 item 7: a missing key is not an empty list)', async () => {
		emulator.reset({ employments: [person('E040', 'i@example.com', '壬')] });
		const result = await runFeishu(
			credentialsFor(NO_ASSESSMENT_SCOPE_APP),
			[{}],
			{ resource: 'employee', operation: 'search', returnAll: true, filters: { employeeNumbers: 'E040' }, options: { includeProbation: true } },
			{ continueOnFail: true },
		);
		const hints = result.run.data.resultData.runData['Feishu CoreHR']?.[0]?.hints ?? [];
		const said = JSON.stringify([result.items.map((i) => i.json), hints]);
		// Either an error or a notice naming the scope; silence lets an AI agent report "no assessments".
		expect(said).toContain('corehr:probation.assessment:read');
	});
});

describe('what a Chinese input method types into a form', () => {
	it('reads a full-width employee number as the same digits, as it does for assessment IDs', async () => {
		emulator.reset({ employments: [person('030123', 'j@example.com', '癸')] });
		const result = await run([{ key: '０３０１２３', final: '', comment: 'full-width number' }], byEmployee('employeeNumber'));
		expect(errorOf(result.items[0])).toBe('');
		// Written, once, to that person: not skipped.
		expect(writes()).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ employeeNumber: '030123', updated: true });
		expect(assessmentsOf('030123')[0]).toMatchObject({ assessment_comment: 'full-width number' });
	});

	it('reads a full-width @ in a work email as @', async () => {
		emulator.reset({ employments: [person('E050', 'k@example.com', '子')] });
		const result = await run([{ key: 'k＠example.com', final: '', comment: 'full-width @' }], byEmployee('email'));
		expect(errorOf(result.items[0])).toBe('');
		expect(writes()).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ employeeNumber: 'E050', updated: true });
		expect(assessmentsOf('E050')[0]).toMatchObject({ assessment_comment: 'full-width @' });
	});
});

describe('held up (these pass)', () => {
	it('mixes Open IDs and CoreHR IDs across rows, each written to its own person', async () => {
		emulator.reset({ employments: [person('E060', 'l@example.com', '丑'), person('E061', 'm@example.com', '寅')] });
		const a = emulator.employments.get(employmentOf('E060'))!;
		const b = employmentOf('E061');
		const result = await run([{ key: a.ids.open_id, comment: 'open' }, { key: b, comment: 'corehr' }], byEmployee('id', { isFinalAssessment: 'keep' }));
		expect(result.items.map(errorOf)).toEqual(['', '']);
		expect(assessmentsOf('E060')[0]).toMatchObject({ assessment_comment: 'open', is_final_asssessment: true });
		expect(assessmentsOf('E061')[0]).toMatchObject({ assessment_comment: 'corehr', is_final_asssessment: true });
	});

	it('refuses a 19-digit employment ID that arrived as a number, and "keep" spelled "KEEP CURRENT VALUE" keeps', async () => {
		emulator.reset({ employments: [person('E070', 'n@example.com', '卯')] });
		const result = await run(
			[
				{ key: Number(employmentOf('E070')), final: 'KEEP CURRENT VALUE' },
				{ key: employmentOf('E070'), final: 'KEEP CURRENT VALUE' },
			],
			byEmployee('id'),
		);
		expect(errorOf(result.items[0])).toContain('came in as a number and lost its last digits');
		expect(errorOf(result.items[1])).toBe('');
		expect(writes().map((w) => (w.body as IDataObject).is_final_asssessment)).toEqual([true]);
	});

	it('two people sharing an email in the same case: refused', async () => {
		emulator.reset({ employments: [person('E080', 'same@example.com', '甲'), person('E081', 'same@example.com', '乙')] });
		const result = await run([{ key: 'same@example.com', final: '' }], byEmployee('email'));
		expect(errorOf(result.items[0])).toContain('matches 2 employments');
		expect(writes()).toEqual([]);
	});
});

describe('when Feishu leaves employment_status out (field permission)', () => {
	afterEach(() => emulator.setHiddenEmployeeFields([]));

	it('never writes to a person who has left: an employment whose status Feishu did not say is not taken for a current one', async () => {
		emulator.reset({ employments: [person('E090', 'left2@example.com', '离职', { employment_status: 'terminated' })] });
		emulator.setHiddenEmployeeFields(['employment_status']);
		const result = await run([{ key: 'E090', final: '' }], byEmployee('employeeNumber'));
		// README: "a former employment is never written to".
		expect(writes()).toEqual([]);
		expect(errorOf(result.items[0])).not.toBe('');
	});
});

describe('an assessment listed without its final flag', () => {
	it('Keep Current Value does not turn a flag Feishu did not state into false', async () => {
		emulator.reset({ employments: [person('E100', 'o@example.com', '辰')] });
		const employmentId = employmentOf('E100');
		const [assessment] = assessmentsOf('E100');
		// Feishu lists the assessment, but without is_final_asssessment (a partial answer, a field left out).
		emulator.faults.respondWith(1, 200, {
			code: 0,
			msg: 'success',
			data: {
				items: [{ employment_id: employmentId, probation_id: '7140964208476371999', assessments: [{ assessment_id: assessment.assessment_id, assessment_status: { enum_name: 'not_started' } }] }],
				has_more: false,
			},
		}, { match: { path: '/probation/search' } });
		const result = await run([{ key: 'E100', final: '' }], byEmployee('employeeNumber', { whichAssessment: 'only' }));
		// The final assessment must stay final; with the flag unknown the row should be refused, as README promises.
		expect(emulator.assessments.get(assessment.assessment_id)!.is_final_asssessment).toBe(true);
		expect(result.items).toHaveLength(1);
	});
});
