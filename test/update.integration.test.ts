import type { Emulator } from './emulator';
import { startEmulator } from './emulator';
import { MemoryCredentialsHelper, CREDENTIAL_ID, runFeishu } from './harness/n8nCore';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
let ids: string[];

const update = (extra: Record<string, unknown> = {}) => ({
	resource: 'probationAssessment',
	operation: 'update',
	assessmentId: '={{ $json.id }}',
	assessmentStatus: '={{ $json.status }}',
	isFinalAssessment: '={{ $json.final }}',
	...extra,
});

beforeAll(async () => {
	emulator = await startEmulator({ seed: 0 });
});
afterAll(async () => await emulator.close());
beforeEach(() => {
	emulator.reset(0);
	ids = emulator.seedAssessments(5);
	credentials = new MemoryCredentialsHelper();
	credentials.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, ...emulator.defaultApp });
});

describe('Update a probation assessment through n8n-core', () => {
	it('updates several assessments, one PATCH each, with the wire key spelled with three s', async () => {
		const result = await runFeishu(
			credentials,
			[
				{ id: ids[0], status: 'Completed', final: true, result: '通过', score: '88.5', comment: 'Strong start' },
				{ id: ids[1], status: '进行中', final: 'false', result: '', score: '' },
				{ id: ` ${ids[2]} `, status: 'no_need', final: 'FALSE', result: 'Rejected', score: 61 },
			],
			update({
				additionalFields: {
					assessmentResult: '={{ $json.result }}',
					assessmentScore: '={{ $json.score }}',
					assessmentComment: '={{ $json.comment }}',
				},
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json).toMatchObject({
			assessmentId: ids[0], updated: true, assessmentStatus: 'completed', isFinalAssessment: true,
			assessmentResult: 'approved', assessmentScore: 88.5, assessmentComment: 'Strong start', code: 0, msg: 'success',
		});
		expect(typeof result.items[0].json.logId).toBe('string');

		const first = emulator.assessments.get(ids[0])!;
		expect(first).toMatchObject({ assessment_status: 'completed', is_final_asssessment: true, assessment_result: 'approved', assessment_score: 88.5 });
		expect(emulator.assessments.get(ids[1])).toMatchObject({ assessment_status: 'in_process', is_final_asssessment: false });
		expect(emulator.assessments.get(ids[2])).toMatchObject({ assessment_status: 'no_need', assessment_result: 'rejected', assessment_score: 61 });

		const patches = emulator.requests.filter((r) => r.method === 'PATCH');
		expect(patches).toHaveLength(3);
		for (const patch of patches) {
			expect(patch.body).toHaveProperty('is_final_asssessment');
			expect(patch.body).not.toHaveProperty('is_final_assessment');
			expect(patch.headers['content-type']).toMatch(/application\/json/);
			expect(patch.query.client_token).toMatch(/^n8n-[0-9a-f]+$/);
		}
		// Blank spreadsheet cells are not sent at all.
		expect(patches[1].body).toEqual({ assessment_status: 'in_process', is_final_asssessment: false });
		expect(emulator.tokenExchanges).toBe(1);
	});

	it('refuses an ID that a spreadsheet already rounded, and sends nothing for it', async () => {
		const result = await runFeishu(credentials, [{ id: 7140964208476371331, status: 'completed', final: true }], update());
		expect(result.error?.message).toMatch(/Item 1 \(index 0\): Assessment ID 7140964208476371000 arrived as a number above 2\^53/);
		expect(emulator.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
	});
});
