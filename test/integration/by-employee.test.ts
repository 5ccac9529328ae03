/**
 * Update (and Create) by employee: rows name people by employee number, work email or employment
 * ID; the node finds the assessment with batched lookups and writes only when the answer is
 * unambiguous. Run through n8n-core's real execution against the emulator's people (seed 20).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../dev/emulator';
import { EMAIL_AND_NAME_FIELDS, PEOPLE_CASES, PEOPLE_SEED, UNKNOWN_EMPLOYEE, generatedPerson } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { listSearch, runFeishu } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import { updateByEmployee } from '../helpers/updateRun';
import { withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e, c) => {
	emulator = e;
	credentials = c;
}, PEOPLE_SEED);

const byEmployee = updateByEmployee;

async function run(rows: IDataObject[], parameters: INodeParameters) {
	const result = await runFeishu(credentials, rows, parameters, { continueOnFail: true });
	expect(leakedSecrets([result.items, result.error], secretsOf(emulator))).toEqual([]);
	return result;
}

const writes = () => emulator.requests.filter((r) => r.method === 'PATCH' || (r.method === 'POST' && r.path.endsWith('/probation/assessments')));
const lookups = () => emulator.requests.filter((r) => r.path.endsWith('/employees/search') || r.path.endsWith('/probation/search'));
const errorOf = (item: { json: IDataObject }) => String(item.json.error ?? '');

/** The probation of an employment as the emulator holds it. */
function assessmentsOf(employmentId: string) {
	return emulator.probations.get(employmentId)!.assessment_ids.map((id) => emulator.assessments.get(id)!);
}

describe('Update by employee', () => {
	it('writes each person\'s final assessment, found by employee number, email or ID, and says who was written', async () => {
		const zhang = PEOPLE_CASES.leadingZeros;
		const yang = PEOPLE_CASES.numericLooking;
		const result = await run(
			[
				{ key: zhang.employeeNumber, result: 'Pass', comment: 'number' },
				{ key: ` ${yang.employeeNumber} `, result: '不通过', comment: 'number with spaces' },
			],
			byEmployee('employeeNumber'),
		);
		expect(result.items.map((i) => i.json.error)).toEqual([undefined, undefined]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.items[0].json).toMatchObject({
			employeeNumber: '000123',
			employeeName: zhang.localName,
			employmentId: zhang.current.employmentId,
			assessmentId: zhang.current.probation!.finalAssessmentId,
			updated: true,
			isFinalAssessment: true,
		});
		expect(emulator.assessments.get(zhang.current.probation!.finalAssessmentId!)).toMatchObject({ assessment_result: 'approved', assessment_comment: 'number', is_final_asssessment: true });
		expect(emulator.assessments.get(yang.current.probation!.finalAssessmentId!)).toMatchObject({ assessment_result: 'rejected', is_final_asssessment: true });

		const byEmail = await run([{ key: PEOPLE_CASES.sameNameB.email.toUpperCase(), result: 'Pass', comment: 'email' }], byEmployee('email'));
		expect(byEmail.items[0].json).toMatchObject({ employeeNumber: PEOPLE_CASES.sameNameB.employeeNumber, assessmentId: PEOPLE_CASES.sameNameB.current.probation!.finalAssessmentId });

		const wang = PEOPLE_CASES.sameNameA;
		const byOpenId = await run([{ key: wang.current.ids.open_id, result: 'Pass', comment: 'open id' }], byEmployee('id'));
		expect(byOpenId.items[0].json).toMatchObject({ employmentId: wang.current.ids.open_id, assessmentId: wang.current.probation!.finalAssessmentId });
		expect(emulator.assessments.get(wang.current.probation!.finalAssessmentId!)).toMatchObject({ assessment_comment: 'open id' });
	});

	it('writes a rehired person\'s current employment, never the terminated one', async () => {
		const liu = PEOPLE_CASES.rehired;
		const [former, current] = liu.employments;
		const before = { ...emulator.assessments.get(former.probation!.finalAssessmentId!)! };
		const result = await run([{ key: liu.employeeNumber, result: 'Pass', comment: 'rehired' }], byEmployee('employeeNumber'));
		expect(result.items[0].json).toMatchObject({ employmentId: current.employmentId, assessmentId: current.probation!.finalAssessmentId });
		expect(emulator.assessments.get(former.probation!.finalAssessmentId!)).toEqual(before);
	});

	it('refuses every ambiguous or empty case, writes nothing for it, and says what it found', async () => {
		const rows = [
			{ key: UNKNOWN_EMPLOYEE.employeeNumber, result: 'Pass' },
			{ key: PEOPLE_CASES.withoutProbation.employeeNumber, result: 'Pass' },
			{ key: PEOPLE_CASES.severalNonFinal.employeeNumber, result: 'Pass' },
			{ key: 30123, result: 'Pass' }, // "030123" and "30123" both exist: the sheet dropped a zero
			{ key: PEOPLE_CASES.leadingZeros.employeeNumber, result: 'Pass' }, // the one good row
		];
		const result = await run(rows, byEmployee('employeeNumber'));
		const errors = result.items.map(errorOf);
		expect(errors[0]).toBe(`Item 1 (index 0): Employee number ${UNKNOWN_EMPLOYEE.employeeNumber} matches no employee in CoreHR. Nothing was written for this item.`);
		expect(errors[1]).toContain(`${PEOPLE_CASES.withoutProbation.localName} (employee number ${PEOPLE_CASES.withoutProbation.employeeNumber}`);
		expect(errors[1]).toContain('has no probation in CoreHR');
		expect(errors[2]).toContain('has no final assessment (it has 2:');
		for (const id of PEOPLE_CASES.severalNonFinal.current.probation!.assessmentIds) expect(errors[2]).toContain(id);
		expect(errors[3]).toContain('Employee number 30123 (it arrived as a number, so leading zeros may have been dropped) matches different employees depending on how it is spelled');
		expect(errors[3]).toContain(PEOPLE_CASES.numericLooking.current.employmentId);
		expect(errors[3]).toContain(PEOPLE_CASES.droppedZerosTwin.current.employmentId);
		for (const error of errors.slice(0, 4)) expect(error).toContain('Nothing was written for this item.');
		expect(errors[4]).toBe('');
		expect(result.items.map((i) => i.pairedItem)).toEqual(rows.map((_, item) => ({ item })));
		expect(writes().map((w) => w.path.split('/').pop())).toEqual([PEOPLE_CASES.leadingZeros.current.probation!.finalAssessmentId]);
	});

	it('matches a number that lost its zeros when only one person can be meant', async () => {
		const result = await run([{ key: 123, result: 'Pass' }], byEmployee('employeeNumber'));
		expect(result.items[0].json).toMatchObject({ employeeNumber: '000123', assessmentId: PEOPLE_CASES.leadingZeros.current.probation!.finalAssessmentId });
	});

	it('refuses two people who share a name only through the keyword search, never as a key to write by', async () => {
		// Names are not a mode of the Employee parameter: an email of one of them writes only to them.
		const result = await run([{ key: PEOPLE_CASES.sameNameA.email, result: 'Pass' }], byEmployee('email'));
		expect(result.items[0].json.employmentId).toBe(PEOPLE_CASES.sameNameA.current.employmentId);
		expect(writes()).toHaveLength(1);
	});

	it('"Only Assessment" refuses several and updates one; "Only, or Create It" creates where there is none', async () => {
		const gao = PEOPLE_CASES.severalNonFinal;
		const only = await run([{ key: gao.employeeNumber, result: 'Pass' }], byEmployee('employeeNumber', { whichAssessment: 'only' }));
		expect(errorOf(only.items[0])).toContain('has 2 assessments');

		const deng = PEOPLE_CASES.withoutProbation;
		// No probation at all: creating is refused, as for any other write.
		const none = await run([{ key: deng.employeeNumber, result: 'Pass' }], byEmployee('employeeNumber', { whichAssessment: 'onlyOrCreate', isFinalAssessment: 'true' }));
		expect(errorOf(none.items[0])).toContain('has no probation');

		// A probation with no assessment yet: seed one by emptying a person's probation.
		const zhang = PEOPLE_CASES.leadingZeros;
		const probation = emulator.probations.get(zhang.current.employmentId)!;
		for (const id of probation.assessment_ids) emulator.assessments.delete(id);
		probation.assessment_ids.length = 0;
		const keep = await run([{ key: zhang.employeeNumber, result: 'Pass' }], byEmployee('employeeNumber', { whichAssessment: 'onlyOrCreate' }));
		expect(errorOf(keep.items[0])).toContain('"Keep Current Value" has no value to keep for it. Choose Yes or No.');
		expect(writes()).toEqual([]);

		const created = await run([{ key: zhang.employeeNumber, result: 'Pass' }], byEmployee('employeeNumber', { whichAssessment: 'onlyOrCreate', isFinalAssessment: 'true' }));
		expect(created.items[0].json).toMatchObject({ created: true, employmentId: zhang.current.employmentId, isFinalAssessment: true });
		expect(assessmentsOf(zhang.current.employmentId)).toEqual([expect.objectContaining({ assessment_id: created.items[0].json.assessmentId, is_final_asssessment: true, assessment_result: 'approved' })]);
	});

	it('sends the final flag of the final assessment it updates back as true', async () => {
		const person = generatedPerson(0);
		const result = await run([{ key: person.employee_number, result: 'Pass' }], byEmployee('employeeNumber', { whichAssessment: 'final' }));
		expect(result.items[0].json.error).toBeUndefined();
		const patch = writes()[0];
		expect((patch.body as IDataObject).is_final_asssessment).toBe(true);
	});

	it('refuses to match a batch by email when Feishu leaves the emails out (missing field permission)', async () => {
		emulator.setHiddenEmployeeFields(EMAIL_AND_NAME_FIELDS);
		const result = await run(
			[
				{ key: PEOPLE_CASES.sameNameA.email, result: 'Pass' },
				{ key: PEOPLE_CASES.sameNameB.email, result: 'Pass' },
			],
			byEmployee('email'),
		);
		for (const item of result.items) expect(errorOf(item)).toContain('did not return their work emails');
		expect(writes()).toEqual([]);
	});

	it('resolves a 250-row sheet with a handful of batched lookups, in row order', async () => {
		const rows = Array.from({ length: 250 }, (_, k) => ({ key: generatedPerson(k % 20).employee_number, result: k % 2 ? 'Pass' : 'Fail', comment: `row ${k}` }));
		rows.push({ key: UNKNOWN_EMPLOYEE.employeeNumber, result: 'Pass', comment: 'unknown' });
		const result = await runFeishu(credentials, rows, byEmployee('employeeNumber', { options: { maxRequestsPerMinute: 0 } }), { continueOnFail: true });
		expect(result.items).toHaveLength(251);
		expect(result.items.map((i) => i.pairedItem)).toEqual(rows.map((_, item) => ({ item })));
		expect(result.items.slice(0, 250).every((i) => i.json.error === undefined)).toBe(true);
		expect(errorOf(result.items[250])).toContain('matches no employee');
		// 21 distinct numbers: one employee search and one probation search.
		expect(lookups().map((r) => r.path.replace('/open-apis/corehr/v2/', ''))).toEqual(['employees/search', 'probation/search']);
		expect(writes()).toHaveLength(250);
	}, 120_000);
});

describe('Create by employee', () => {
	it('creates the assessments for the person named by email, and refuses an unknown one', async () => {
		const zhang = PEOPLE_CASES.leadingZeros;
		const before = assessmentsOf(zhang.current.employmentId).length;
		const parameters: INodeParameters = {
			resource: 'probationAssessment',
			operation: 'create',
			employee: { __rl: true, mode: 'email', value: '={{ $json.email }}' },
			assessments: { assessment: [{ assessmentStatus: 'not_started', isFinalAssessment: false }] },
		};
		const result = await run([{ email: zhang.email }, { email: UNKNOWN_EMPLOYEE.email }], parameters);
		expect(result.items[0].json).toMatchObject({ employeeNumber: zhang.employeeNumber, employmentId: zhang.current.employmentId });
		expect(assessmentsOf(zhang.current.employmentId)).toHaveLength(before + 1);
		expect(errorOf(result.items[1])).toContain(`Work email ${UNKNOWN_EMPLOYEE.email} matches no employee`);
		expect(writes()).toHaveLength(1);
	});
});

describe('picking in the editor (resource locators, From List)', () => {
	it('lists employees by name, number or email, each with the CoreHR employment ID as the value', async () => {
		const byName = await listSearch(credentials, 'searchEmployees', PEOPLE_CASES.sameNameA.localName);
		expect(byName.results.map((r) => r.value).sort()).toEqual([PEOPLE_CASES.sameNameA.current.employmentId, PEOPLE_CASES.sameNameB.current.employmentId].sort());
		expect(byName.results[0].name).toContain(PEOPLE_CASES.sameNameA.localName);
		// A former employment is not offered.
		const rehired = await listSearch(credentials, 'searchEmployees', PEOPLE_CASES.rehired.employeeNumber);
		expect(rehired.results.map((r) => r.value)).toEqual([PEOPLE_CASES.rehired.current.employmentId]);
	});

	it('lists the assessments of the people found, named by person, final flag and status', async () => {
		const gao = PEOPLE_CASES.severalNonFinal;
		const found = await listSearch(credentials, 'searchAssessments', gao.employeeNumber);
		expect(found.results.map((r) => r.value)).toEqual(gao.current.probation!.assessmentIds);
		for (const r of found.results) expect(r.name).toMatch(new RegExp(`^${gao.localName} · ${gao.employeeNumber} · .* — not final`));
	});

	it('Delete takes an assessment picked from the list', async () => {
		const [first] = PEOPLE_CASES.severalNonFinal.current.probation!.assessmentIds;
		const result = await run([{}], {
			resource: 'probationAssessment',
			operation: 'delete',
			assessmentId: { __rl: true, mode: 'list', value: first, cachedResultName: '高峰 …' },
		});
		expect(result.items[0].json).toMatchObject({ assessmentId: first, deleted: true });
		expect(emulator.assessments.has(first)).toBe(false);
	});
});
