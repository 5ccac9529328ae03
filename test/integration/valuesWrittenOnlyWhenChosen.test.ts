/**
 * Update writes only what the user chose: no preset Status (Feishu requires one, so an empty one is
 * refused), and a Result or Score added from Additional Fields starts empty and is not sent. Run
 * through n8n-core's real execution against the emulator over loopback.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { runFeishu } from '../../dev/harness/n8nCore';
import { allPatches } from '../helpers/updateRun';
import { withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e, c) => {
	emulator = e;
	credentials = c;
});

/** One employee on probation with one final assessment, already completed and approved. */
function seedOne(): { employmentId: string; assessmentId: string } {
	emulator.reset({
		employments: [
			{
				probation_start_date: '2026-08-01',
				probation_expected_end_date: '2026-11-01',
				probation_status: 'waiting' as const,
				assessments: [{ assessment_status: 'in_process' as const, is_final_asssessment: true }],
			},
		],
	});
	const [probation] = [...emulator.probations.values()];
	return { employmentId: probation.employment_id, assessmentId: probation.assessment_ids[0] };
}

/** Update by assessment ID with the final flag given, so no lookup is needed: only what `extra` adds. */
function byId(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'probationAssessment',
		operation: 'update',
		assessmentBy: 'assessmentId',
		assessmentId: { __rl: true, mode: 'id', value: '={{ $json.assessmentId }}' },
		isFinalAssessment: 'true',
		...extra,
	};
}

const body = (i = 0) => allPatches(emulator)[i]?.body as Record<string, unknown> | undefined;
const sentToFeishu = () => emulator.requests.filter((r) => !r.path.includes('tenant_access_token'));

describe('a value is written only when the user chose it', () => {
	it('does not run an Update whose Status was never chosen: n8n reports the required field, nothing is sent', async () => {
		const { assessmentId } = seedOne();
		await expect(runFeishu(credentials, [{ assessmentId }], byId())).rejects.toThrow(/workflow has issues/);
		expect(sentToFeishu()).toEqual([]);
		expect(emulator.assessments.get(assessmentId)).toMatchObject({ assessment_status: 'in_process' });
	});

	it('refuses a row whose mapped Status is blank, naming the field, and sends nothing', async () => {
		const { assessmentId } = seedOne();
		const parameters = byId({ assessmentStatus: '={{ $json.status }}' });
		const result = await runFeishu(credentials, [{ assessmentId, status: '' }], parameters, { continueOnFail: true });
		const error = String(result.items[0].json.error);
		expect(error).toContain('Item 1 (index 0)');
		expect(error).toContain('Assessment Status');
		expect(sentToFeishu()).toEqual([]);
	});

	it('sends no result and no score for fields added but left as the editor starts them', async () => {
		const { assessmentId } = seedOne();
		// What the editor saves after "Add Field" → Result and Score, left untouched.
		const parameters = byId({ assessmentStatus: 'completed', additionalFields: { assessmentResult: '', assessmentScore: null } });
		const result = await runFeishu(credentials, [{ assessmentId }], parameters);
		expect(result.error).toBeUndefined();
		expect(body()).toEqual({ assessment_status: 'completed', is_final_asssessment: true });
		expect(emulator.assessments.get(assessmentId)?.assessment_result).toBeUndefined();
		expect(emulator.assessments.get(assessmentId)?.assessment_score).toBeUndefined();
	});

	it("writes a sheet's labels mapped by expressions, which the editor does not flag", async () => {
		const { assessmentId } = seedOne();
		const row = { assessmentId, status: '已完成', result: 'Pass', grade: 'A', score: '88.5' };
		const parameters = byId({
			assessmentStatus: '={{ $json.status }}',
			additionalFields: { assessmentResult: '={{ $json.result }}', assessmentGrade: '={{ $json.grade }}', assessmentScore: '={{ $json.score }}' },
		});
		const result = await runFeishu(credentials, [row], parameters);
		expect(result.error).toBeUndefined();
		expect(body()).toMatchObject({ assessment_status: 'completed', assessment_result: 'approved', assessment_score: 88.5, assessment_grade: 'grade_a' });
		expect(emulator.assessments.get(assessmentId)).toMatchObject({ assessment_status: 'completed', assessment_result: 'approved' });
	});
});
