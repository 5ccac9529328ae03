/**
 * Issue: an Update that does not mention the final flag must not change it. Update keeps the
 * value Feishu holds (read through the employee's probation) unless the row says Yes or No.
 * Run through n8n-core's real execution against the emulator over loopback.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { FEISHU_NODE_TYPE, runChain, runFeishu } from '../../dev/harness/n8nCore';
import { allPatches } from '../helpers/updateRun';
import { withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e, c) => {
	emulator = e;
	credentials = c;
});

/** Two employees on probation: each has a final assessment and a non-final one. */
function seedTwoProbations(): { employments: string[]; finals: string[]; others: string[] } {
	emulator.reset({
		employments: [0, 1].map(() => ({
			probation_start_date: '2026-08-01',
			probation_expected_end_date: '2026-11-01',
			probation_status: 'waiting' as const,
			assessments: [
				{ assessment_status: 'completed' as const, assessment_result: 'approved' as const, is_final_asssessment: true },
				{ assessment_status: 'in_process' as const, is_final_asssessment: false },
			],
		})),
	});
	const probations = [...emulator.probations.values()];
	return {
		employments: probations.map((p) => p.employment_id),
		finals: probations.map((p) => p.assessment_ids[0]),
		others: probations.map((p) => p.assessment_ids[1]),
	};
}

/** Update by Assessment ID, as the README's recipe wires it: status and result from the row, nothing about the final flag. */
function byIdParameters(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'probationAssessment',
		operation: 'update',
		assessmentBy: 'assessmentId',
		// As the editor saves a resource locator set to "By ID" with an expression.
		assessmentId: { __rl: true, mode: 'id', value: '={{ $json.assessmentId }}' },
		employmentId: '={{ $json.employmentId }}',
		assessmentStatus: '={{ $json.status }}',
		additionalFields: { assessmentResult: '={{ $json.result }}' },
		...extra,
	};
}

/** The final flag each assessment's PATCH carried, in the rows' order (several rows are in flight at once). */
const sentFlags = (assessmentIds: string[]) =>
	assessmentIds.map((id) => (allPatches(emulator).find((p) => p.path.endsWith(`/${id}`))?.body as Record<string, unknown> | undefined)?.is_final_asssessment);

const probationSearches = () => emulator.requests.filter((r) => r.path.endsWith('/probation/search'));

describe('Update keeps the final flag unless the row says otherwise', () => {
	it('sends each assessment\'s current flag back: a final assessment stays final', async () => {
		const { employments, finals, others } = seedTwoProbations();
		const rows = [
			{ assessmentId: finals[0], employmentId: employments[0], status: 'Completed', result: 'Fail' },
			{ assessmentId: others[0], employmentId: employments[0], status: 'Completed', result: 'Pass' },
			{ assessmentId: finals[1], employmentId: employments[1], status: 'Completed', result: 'Pass' },
		];
		const result = await runFeishu(credentials, rows, byIdParameters());
		expect(result.error).toBeUndefined();
		expect(sentFlags([finals[0], others[0], finals[1]])).toEqual([true, false, true]);
		expect(emulator.assessments.get(finals[0])).toMatchObject({ is_final_asssessment: true, assessment_result: 'rejected' });
		expect(emulator.assessments.get(others[0])).toMatchObject({ is_final_asssessment: false, assessment_result: 'approved' });
		expect(emulator.assessments.get(finals[1])).toMatchObject({ is_final_asssessment: true });
		expect(result.items.map((i) => i.json.isFinalAssessment)).toEqual([true, false, true]);
		// Both employees' probations come from one batched search, not one per row.
		expect(probationSearches()).toHaveLength(1);
		expect((probationSearches()[0].body as { employment_ids: string[] }).employment_ids.sort()).toEqual([...employments].sort());
	});

	it('takes Yes or No from the row when it says so (true/false, yes/no, 是/否), and a blank cell keeps the value', async () => {
		const { employments, finals, others } = seedTwoProbations();
		const rows = [
			{ assessmentId: finals[0], employmentId: employments[0], status: 'completed', final: '否' },
			{ assessmentId: others[0], employmentId: employments[0], status: 'completed', final: 'yes' },
			{ assessmentId: finals[1], employmentId: employments[1], status: 'completed', final: '' },
		];
		const result = await runFeishu(credentials, rows, byIdParameters({ isFinalAssessment: '={{ $json.final }}' }));
		expect(result.error).toBeUndefined();
		expect(sentFlags([finals[0], others[0], finals[1]])).toEqual([false, true, true]);
	});

	it('refuses to guess without the employee, and sends nothing for that row', async () => {
		const { finals } = seedTwoProbations();
		const result = await runFeishu(credentials, [{ assessmentId: finals[0], status: 'completed' }], byIdParameters({ employmentId: '' }), {
			continueOnFail: true,
		});
		const error = String(result.items[0].json.error);
		expect(error).toContain('Item 1 (index 0)');
		expect(error).toContain('Is Final Assessment');
		expect(error).toContain('Employment ID');
		expect(error).toContain('Nothing was sent');
		expect(emulator.requests.filter((r) => !r.path.includes('tenant_access_token'))).toEqual([]);
	});

	it('refuses an assessment that is not the given employee\'s, and writes nothing', async () => {
		const { employments, finals } = seedTwoProbations();
		const result = await runFeishu(
			credentials,
			[{ assessmentId: finals[1], employmentId: employments[0], status: 'completed', result: 'Pass' }],
			byIdParameters(),
			{ continueOnFail: true },
		);
		const error = String(result.items[0].json.error);
		expect(error).toContain(`Assessment ${finals[1]} is not an assessment of employment ${employments[0]}`);
		expect(error).toContain('Nothing was written');
		expect(allPatches(emulator)).toEqual([]);
	});

	it('follows the README recipe: Search with Split Out → Update status and result, finals stay final', async () => {
		const { finals, others } = seedTwoProbations();
		const run = await runChain(credentials, [{}], [
			// As README.md's recipe sets them: Return All and Split Out Assessments on (Split Out sits beside Return All).
			{ name: 'Search', type: FEISHU_NODE_TYPE, parameters: { resource: 'probation', operation: 'search', returnAll: true, splitOutAssessments: true } },
			{
				name: 'Update',
				type: FEISHU_NODE_TYPE,
				parameters: byIdParameters({
					assessmentStatus: 'completed',
					additionalFields: { assessmentResult: 'approved' },
				}),
			},
		]);
		expect(run.error).toBeUndefined();
		expect(run.outputs.Update).toHaveLength(4);
		for (const id of finals) expect(emulator.assessments.get(id)).toMatchObject({ is_final_asssessment: true, assessment_result: 'approved' });
		for (const id of others) expect(emulator.assessments.get(id)).toMatchObject({ is_final_asssessment: false, assessment_result: 'approved' });
	});
});

describe('a final flag given as Yes or No', () => {
	it('is sent as given, with no lookup, when the assessment is named by ID alone', async () => {
		const { finals } = seedTwoProbations();
		const result = await runFeishu(credentials, [{ id: finals[0] }], {
			resource: 'probationAssessment',
			operation: 'update',
			assessmentBy: 'assessmentId',
			assessmentId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			assessmentStatus: 'completed',
			isFinalAssessment: 'false',
		});
		expect(result.error).toBeUndefined();
		expect(allPatches(emulator).map((p) => p.body)).toEqual([{ assessment_status: 'completed', is_final_asssessment: false }]);
		expect(emulator.assessments.get(finals[0])).toMatchObject({ is_final_asssessment: false });
		expect(probationSearches()).toEqual([]);
	});
});
