/**
 * Update by employee with "Only Assessment, or Create It" and Requests in Parallel: two rows for
 * one person whose probation has no assessment yet. One at a time, row 1 creates the assessment
 * and row 2 updates it (the later row wins). In parallel the two rows must still go one after the
 * other, however the person is spelled — else both read "no assessment" and both create.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Emulator } from '../../dev/emulator';
import { PEOPLE_CASES, PEOPLE_SEED } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { runFeishu } from '../../dev/harness/n8nCore';
import { withEmulator } from '../helpers/emulatorFixture';
import { updateByEmployee } from '../helpers/updateRun';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e, c) => {
	emulator = e;
	credentials = c;
}, PEOPLE_SEED);

function emptyProbationOf(employmentId: string): void {
	const probation = emulator.probations.get(employmentId)!;
	for (const id of probation.assessment_ids) emulator.assessments.delete(id);
	probation.assessment_ids.length = 0;
}

const assessmentsOf = (employmentId: string) => emulator.probations.get(employmentId)!.assessment_ids.map((id) => emulator.assessments.get(id)!);

async function twoRows(first: string, second: string, requestsInParallel: number, continueOnFail: boolean, mode: 'employeeNumber' | 'email' = 'employeeNumber') {
	const zhang = PEOPLE_CASES.leadingZeros;
	emptyProbationOf(zhang.current.employmentId);
	const rows: IDataObject[] = [
		{ key: first, result: 'Fail', comment: 'row 1' },
		{ key: second, result: 'Pass', comment: 'row 2 (the correction)' },
	];
	const parameters = updateByEmployee(mode, {
		whichAssessment: 'onlyOrCreate',
		isFinalAssessment: 'true',
		options: { maxRequestsPerMinute: 0, requestsInParallel },
	});
	const result = await runFeishu(credentials, rows, parameters, { continueOnFail });
	return { zhang, result };
}

describe('Update by employee, "Only Assessment, or Create It", two rows for one person', () => {
	it('control, one at a time: one assessment, the later row wins', async () => {
		const { zhang, result } = await twoRows(zhang0(), zhang0(), 1, false);
		expect(result.error).toBeUndefined();
		expect(assessmentsOf(zhang.current.employmentId)).toEqual([expect.objectContaining({ assessment_comment: 'row 2 (the correction)' })]);
	});

	it('Requests in Parallel 4, the same spelling: one assessment, the later row wins', async () => {
		const { zhang, result } = await twoRows(zhang0(), zhang0(), 4, false);
		expect(result.error).toBeUndefined();
		expect(assessmentsOf(zhang.current.employmentId)).toEqual([expect.objectContaining({ assessment_comment: 'row 2 (the correction)' })]);
	});

	it('Requests in Parallel 4, the number typed in full width in one row: one assessment, the later row wins', async () => {
		const fullWidth = zhang0().replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
		const { zhang, result } = await twoRows(zhang0(), fullWidth, 4, false);
		expect(result.error).toBeUndefined();
		expect(assessmentsOf(zhang.current.employmentId)).toEqual([expect.objectContaining({ assessment_comment: 'row 2 (the correction)' })]);
	});

	it('Requests in Parallel 4, On Error → Continue, number with trailing space in one row: one assessment', async () => {
		const { zhang, result } = await twoRows(zhang0(), `${zhang0()} `, 4, true);
		expect(result.items.map((i) => i.json.error)).toEqual([undefined, undefined]);
		expect(assessmentsOf(zhang.current.employmentId)).toEqual([expect.objectContaining({ assessment_comment: 'row 2 (the correction)' })]);
	});

	it('Requests in Parallel 4, On Error → Continue, the email in another case in one row: one assessment', async () => {
		const email = PEOPLE_CASES.leadingZeros.email;
		const { zhang, result } = await twoRows(email, email.toUpperCase(), 4, true, 'email');
		expect(result.items.map((i) => i.json.error)).toEqual([undefined, undefined]);
		expect(assessmentsOf(zhang.current.employmentId)).toEqual([expect.objectContaining({ assessment_comment: 'row 2 (the correction)' })]);
	});
});

function zhang0(): string {
	return PEOPLE_CASES.leadingZeros.employeeNumber;
}
