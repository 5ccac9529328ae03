/**
 * Employee → Search: finding people by employee number, email, employment ID or name, with their
 * probation on request. n8n-core's real execution against the emulator's people (seed 20).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../dev/emulator';
import { EMAIL_AND_NAME_FIELDS, PEOPLE_CASES, PEOPLE_SEED } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { runFeishu } from '../../dev/harness/n8nCore';
import { withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e, c) => {
	emulator = e;
	credentials = c;
}, PEOPLE_SEED);

const search = (filters: INodeParameters, extra: INodeParameters = {}): INodeParameters => ({ resource: 'employee', operation: 'search', returnAll: true, filters, ...extra });
const employeeSearches = () => emulator.requests.filter((r) => r.path.endsWith('/employees/search'));

describe('Employee → Search', () => {
	it('finds people by exact employee numbers, keeping leading zeros, with who they are', async () => {
		const result = await runFeishu(credentials, [{}], search({ employeeNumbers: `${PEOPLE_CASES.leadingZeros.employeeNumber}, ${PEOPLE_CASES.numericLooking.employeeNumber}` }));
		expect(result.error).toBeUndefined();
		const byNumber = Object.fromEntries(result.items.map((i) => [i.json.employeeNumber, i.json]));
		expect(Object.keys(byNumber).sort()).toEqual(['000123', '030123']);
		expect(byNumber['000123']).toMatchObject({
			employmentId: PEOPLE_CASES.leadingZeros.current.employmentId,
			employeeName: PEOPLE_CASES.leadingZeros.localName,
			workEmail: PEOPLE_CASES.leadingZeros.email,
			employmentStatus: 'hired',
		});
		expect(employeeSearches()[0].body).toMatchObject({ employee_number_list: ['000123', '030123'] });
	});

	it('finds both people behind a shared name by keyword, so a user (or an agent) sees the name is not unique', async () => {
		const result = await runFeishu(credentials, [{}], search({ keyword: PEOPLE_CASES.sameNameA.localName }));
		expect(result.items.map((i) => i.json.employeeNumber).sort()).toEqual([PEOPLE_CASES.sameNameA.employeeNumber, PEOPLE_CASES.sameNameB.employeeNumber].sort());
	});

	it('shows a rehired person\'s former employment only when asked for people who left', async () => {
		const liu = PEOPLE_CASES.rehired;
		const current = await runFeishu(credentials, [{}], search({ workEmails: liu.email, employmentStatus: 'hired' }));
		expect(current.items.map((i) => i.json.employmentId)).toEqual([liu.current.employmentId]);
		const left = await runFeishu(credentials, [{}], search({ workEmails: liu.email, employmentStatus: 'terminated' }));
		expect(left.items.map((i) => i.json.employmentId)).toEqual([liu.employments[0].employmentId]);
	});

	it('adds each person\'s probation with its assessments from one batched probation search', async () => {
		const gao = PEOPLE_CASES.severalNonFinal;
		const deng = PEOPLE_CASES.withoutProbation;
		const result = await runFeishu(
			credentials,
			[{}],
			search({ employeeNumbers: [gao.employeeNumber, deng.employeeNumber] }, { options: { includeProbation: true } }),
		);
		const byNumber = Object.fromEntries(result.items.map((i) => [i.json.employeeNumber, i.json]));
		const probation = byNumber[gao.employeeNumber].probation as IDataObject;
		expect((probation.assessments as IDataObject[]).map((a) => a.assessmentId)).toEqual(gao.current.probation!.assessmentIds);
		expect((probation.assessments as IDataObject[]).every((a) => a.isFinalAssessment === false)).toBe(true);
		expect(byNumber[deng.employeeNumber].probation).toBeNull();
		expect(emulator.requests.filter((r) => r.path.endsWith('/probation/search'))).toHaveLength(1);
	});

	it('refuses a filter value it cannot use, before any request, naming it', async () => {
		const result = await runFeishu(credentials, [{}], search({ workEmails: 'zhang san' }), { continueOnFail: true });
		expect(String(result.items[0].json.error)).toContain('Work Emails "zhang san" is not valid');
		expect(employeeSearches()).toEqual([]);
	});

	it('outputs null for fields Feishu leaves out (no permission to read emails and names)', async () => {
		emulator.setHiddenEmployeeFields(EMAIL_AND_NAME_FIELDS);
		const result = await runFeishu(credentials, [{}], search({ employeeNumbers: PEOPLE_CASES.leadingZeros.employeeNumber }));
		expect(result.items[0].json).toMatchObject({ employeeNumber: '000123', employeeName: null, workEmail: null });
	});
});
