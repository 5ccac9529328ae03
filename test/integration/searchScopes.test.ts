/**
 * Probation → Search when the app lacks the assessment field scope: Feishu does not refuse, it
 * leaves the assessment fields out. Through n8n-core's execution against the emulator.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator, SeedData } from '../../dev/emulator';
import { startEmulator } from '../../dev/emulator';
import { CREDENTIAL_ID, MemoryCredentialsHelper, runFeishu } from '../../dev/harness/n8nCore';

const READ_SCOPE = 'corehr:probation.assessment:read';
const WRITE_SCOPE = 'corehr:probation.assessment:write';
const NO_ASSESSMENT_SCOPE_APP = { appId: 'cli_noassess000000001', appSecret: 'no-assessment-scope-secret-41a9', missingScopes: [READ_SCOPE, WRITE_SCOPE] };
const WRITE_ONLY_APP = { appId: 'cli_writeonly00000001', appSecret: 'write-only-scope-secret-c0ffee', missingScopes: [READ_SCOPE] };
const FULL_APP = { appId: 'cli_fullscope00000001', appSecret: 'full-scope-secret-0123456789ab' };

/** Five probations: four with assessments (one final), one with none. */
const SEED: SeedData = {
	employments: [
		...[1, 2, 3, 4].map((n) => ({
			probation_start_date: `2025-0${n}-01`,
			probation_expected_end_date: `2025-0${n + 3}-01`,
			assessments: [{ assessment_status: 'completed' as const, assessment_result: 'approved' as const, is_final_asssessment: n === 1 }],
		})),
		{ probation_start_date: '2025-06-01', probation_expected_end_date: '2025-09-01', assessments: [] },
	],
};

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator({ seed: SEED, apps: [FULL_APP, NO_ASSESSMENT_SCOPE_APP, WRITE_ONLY_APP] });
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

function credentialsOf(app: { appId: string; appSecret: string }): MemoryCredentialsHelper {
	const helper = new MemoryCredentialsHelper();
	helper.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, appId: app.appId, appSecret: app.appSecret });
	return helper;
}

const searchParams = (extra: INodeParameters = {}): INodeParameters => ({ resource: 'probation', operation: 'search', returnAll: true, ...extra });
const hintsOf = (result: Awaited<ReturnType<typeof runFeishu>>) => result.run.data.resultData.runData['Feishu CoreHR']?.[0]?.hints ?? [];
const searchAnswers = () => emulator.requests.filter((r) => r.path.endsWith('/probation/search')).map((r) => r.responseBody as { data: { items: IDataObject[] } });

describe('Search → Split Out without the assessment scope', () => {
	it('fails the item naming the scope to add, instead of outputting nothing as if all went well', async () => {
		const result = await runFeishu(credentialsOf(NO_ASSESSMENT_SCOPE_APP), [{}], searchParams({ splitOutAssessments: true }), { continueOnFail: true });
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.error).toBe(
			`Item 1 (index 0): Feishu returned 5 probation(s) without their assessments: the app lacks the field scope ${READ_SCOPE} ` +
			`(or ${WRITE_SCOPE}), and Feishu then leaves the assessments out instead of refusing the search. ` +
			'Add the scope under "Permissions & Scopes" in the developer console and publish a new app version.',
		);
		const stopped = await runFeishu(credentialsOf(NO_ASSESSMENT_SCOPE_APP), [{}], searchParams({ splitOutAssessments: true }));
		expect(stopped.error?.message).toContain(`lacks the field scope ${READ_SCOPE}`);
	});

	it('outputs whole probations with a warning on the output that names the scope', async () => {
		const result = await runFeishu(credentialsOf(NO_ASSESSMENT_SCOPE_APP), [{}, {}], searchParams());
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(10);
		for (const item of result.items) expect(item.json).not.toHaveProperty('assessments');
		const hints = hintsOf(result);
		expect(hints).toHaveLength(1);
		expect(hints[0]).toMatchObject({ type: 'warning', location: 'outputPane' });
		expect(hints[0].message).toContain(`lacks the field scope ${READ_SCOPE}`);
	});
});

describe('Search with the assessment scope', () => {
	it('splits out every assessment, and a probation with none simply adds none: no error, no warning', async () => {
		for (const app of [FULL_APP, WRITE_ONLY_APP]) {
			emulator.reset();
			const result = await runFeishu(credentialsOf(app), [{}], searchParams({ splitOutAssessments: true }));
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(4);
			expect(hintsOf(result)).toEqual([]);
		}
	});

	it('finds nothing wrong when the only probation found has no assessments', async () => {
		const lonely = [...emulator.probations.values()].find((p) => p.assessment_ids.length === 0)!;
		const only = await runFeishu(credentialsOf(FULL_APP), [{ id: lonely.employment_id }], {
			...searchParams({ splitOutAssessments: true }),
			filters: { employmentIds: '={{ $json.id }}', userIdType: 'people_corehr_id' },
		});
		expect(only.error).toBeUndefined();
		// Feishu did find the probation, with an empty list of assessments: not "nothing matched".
		expect(searchAnswers().map((answer) => answer.data.items.map((item) => [item.employment_id, item.assessments]))).toEqual([[[lonely.employment_id, []]]]);
		expect(only.items).toEqual([]);
		expect(hintsOf(only)).toEqual([]);
	});
});

describe('the emulator answers search like Feishu without the field scope', () => {
	it('leaves out assessments and every final_assessment_* field, keeps the rest, and sends [] for no assessments with the scope', async () => {
		await runFeishu(credentialsOf(NO_ASSESSMENT_SCOPE_APP), [{}], searchParams());
		const without = searchAnswers()[0].data.items;
		expect(without).toHaveLength(5);
		for (const item of without) {
			expect(Object.keys(item).filter((k) => k === 'assessments' || k.startsWith('final_assessment_'))).toEqual([]);
			expect(item).toHaveProperty('employment_id');
			expect(item).toHaveProperty('probation_status');
		}
		emulator.reset();
		await runFeishu(credentialsOf(FULL_APP), [{}], searchParams());
		const withScope = searchAnswers()[0].data.items;
		expect(withScope.filter((i) => Array.isArray(i.assessments) && i.assessments.length === 0)).toHaveLength(1);
		expect(withScope.filter((i) => 'final_assessment_status' in i)).toHaveLength(1);
	});
});
