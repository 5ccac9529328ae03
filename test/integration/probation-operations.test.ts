import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { FEISHU_NODE_TYPE, runChain, runFeishu } from '../../dev/harness/n8nCore';
import { withEmulator } from '../helpers/emulatorFixture';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e, c) => {
	emulator = e;
	credentials = c;
}, { resetTo: 250 });

const searchParams = (extra: Record<string, unknown> = {}) => ({ resource: 'probation', operation: 'search', ...extra });

/** A resource locator set to "By ID", as the editor saves it. */
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

const searches = () => emulator.requests.filter((r) => r.path.endsWith('/probation/search'));

describe('Probation → Search', () => {
	it('returns every probation across several pages with Return All, 100 per page', async () => {
		const result = await runFeishu(credentials, [{}], searchParams({ returnAll: true }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(250);
		expect(searches().map((r) => r.query.page_size)).toEqual(['100', '100', '100']);
		expect(searches()[1].query.page_token).toBeTruthy();
		const ids = new Set(result.items.map((i) => i.json.employmentId));
		expect(ids.size).toBe(250);
	});

	it('stops at the Limit and asks only for what it needs', async () => {
		const result = await runFeishu(credentials, [{}], searchParams({ returnAll: false, limit: 130 }));
		expect(result.items).toHaveLength(130);
		expect(searches().map((r) => r.query.page_size)).toEqual(['100', '30']);
	});

	it('outputs enums as the plain value next to a readable label, and assessment IDs as strings', async () => {
		const result = await runFeishu(credentials, [{}], searchParams({ limit: 5 }));
		const first = result.items[0].json as Record<string, unknown>;
		expect(typeof first.probationStatus).toBe('string');
		expect(typeof first.probationStatusLabel).toBe('string');
		const assessment = (first.assessments as Array<Record<string, unknown>>)[0];
		expect(assessment.assessmentId).toMatch(/^\d{19}$/);
		expect(assessment).toHaveProperty('isFinalAssessment');
		expect(JSON.stringify(result.items)).not.toContain('asssessment');
	});

	it('splits out one item per assessment with the employment ID and probation status', async () => {
		const result = await runFeishu(credentials, [{}], searchParams({ returnAll: true, splitOutAssessments: true }));
		const expected = [...emulator.assessments.keys()].sort();
		expect(result.items.map((i) => i.json.assessmentId).sort()).toEqual(expected);
		for (const item of result.items) {
			const record = emulator.assessments.get(String(item.json.assessmentId))!;
			// Feishu's default user_id_type is open_id: the employment comes back as its ou_… ID.
			expect(item.json.employmentId).toBe(emulator.employments.get(record.employment_id)!.ids.open_id);
			expect(typeof item.json.probationStatus).toBe('string');
			expect(item.pairedItem).toEqual({ item: 0 });
		}
	});

	it('filters by employment IDs of the type set next to them and a date range, sent as YYYY-MM-DD pairs', async () => {
		const [a, b] = [...emulator.probations.keys()];
		const result = await runFeishu(credentials, [{ ids: `${a}, ${b}` }], searchParams({
			returnAll: true,
			filters: { employmentIds: '={{ $json.ids }}', userIdType: 'people_corehr_id', probationStartDateFrom: '2020-01-01T00:00:00', probationStartDateTo: '2030-12-31' },
		}));
		expect(result.items.map((i) => i.json.employmentId).sort()).toEqual([a, b].sort());
		expect(searches()[0].body).toMatchObject({
			employment_ids: [a, b],
			probation_start_date_start: '2020-01-01',
			probation_start_date_end: '2030-12-31',
		});
		// The ID type set next to the IDs in Filters is the one Feishu is told.
		expect(searches()[0].query).toMatchObject({ user_id_type: 'people_corehr_id' });
	});

	it('refuses half a date range before sending anything', async () => {
		const result = await runFeishu(credentials, [{}], searchParams({ filters: { probationStartDateFrom: '2025-01-01' } }));
		expect(result.error?.message).toMatch(/Item 1 \(index 0\): Probation Start Date To .*set both Probation Start Date From and To/);
		expect(searches()).toHaveLength(0);
	});
});

describe('Probation Assessment → Create and Delete', () => {
	it('creates several assessments for one employee and returns their IDs in request order', async () => {
		const employmentId = [...emulator.probations.keys()][0];
		const result = await runFeishu(credentials, [{ employmentId }], {
			resource: 'probationAssessment',
			operation: 'create',
			employee: byId('={{ $json.employmentId }}'),
			assessments: {
				assessment: [
					{ assessmentStatus: 'completed', isFinalAssessment: false, additionalFields: { assessmentScore: 70, assessmentResult: 'approved' } },
					{ assessmentStatus: 'not_started', isFinalAssessment: true, additionalFields: {} },
				],
			},
		});
		expect(result.error).toBeUndefined();
		const ids = result.items[0].json.assessmentIds as string[];
		expect(ids).toHaveLength(2);
		expect(emulator.assessments.get(ids[0])).toMatchObject({ employment_id: employmentId, assessment_status: 'completed', assessment_score: 70, is_final_asssessment: false });
		expect(emulator.assessments.get(ids[1])).toMatchObject({ assessment_status: 'not_started', is_final_asssessment: true });
		const post = emulator.requests.find((r) => r.method === 'POST' && r.path.endsWith('/assessments'))!;
		expect(post.query.client_token).toMatch(/^n8n-/);
	});

	it('never creates twice when the answer to a create is lost and the request is retried', async () => {
		const employmentId = [...emulator.probations.keys()][1];
		emulator.faults.dropConnections(1, { afterApply: true, match: { method: 'POST', path: '/assessments' } });
		const before = emulator.assessments.size;
		const result = await runFeishu(credentials, [{}], {
			resource: 'probationAssessment', operation: 'create', employee: byId(employmentId),
			assessments: { assessment: [{ assessmentStatus: 'in_process', isFinalAssessment: false }] },
		});
		expect(result.error).toBeUndefined();
		expect(emulator.assessments.size).toBe(before + 1);
		const posts = emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/assessments'));
		expect(posts).toHaveLength(2);
		expect(posts[0].query.client_token).toBe(posts[1].query.client_token);
	});

	it('deletes an assessment, and calls "not found" after a lost answer unknown, never deleted', async () => {
		const [first, second] = [...emulator.assessments.keys()];
		const ok = await runFeishu(credentials, [{ id: first }], { resource: 'probationAssessment', operation: 'delete', assessmentId: byId('={{ $json.id }}') });
		expect(ok.items[0].json).toMatchObject({ assessmentId: first, deleted: true, code: 0 });
		expect(emulator.assessments.has(first)).toBe(false);

		emulator.faults.dropConnections(1, { afterApply: true, match: { method: 'DELETE' } });
		const retried = await runFeishu(credentials, [{ id: second }], { resource: 'probationAssessment', operation: 'delete', assessmentId: byId('={{ $json.id }}') });
		expect(retried.items).toHaveLength(0);
		expect(retried.error?.message).toMatch(new RegExp(`Assessment ${second} may or may not have been deleted`));

		const missing = await runFeishu(credentials, [{ id: first }], { resource: 'probationAssessment', operation: 'delete', assessmentId: byId('={{ $json.id }}') });
		expect(missing.error?.message).toMatch(/code 1162010/);
	});
});

describe('Search → Update in one workflow', () => {
	it('finds an employee\'s assessments and updates them, with no HTTP Request node', async () => {
		const employmentId = [...emulator.probations.keys()][2];
		const result = await runChain(credentials, [{ employmentId }], [
			{ name: 'Find', type: FEISHU_NODE_TYPE, parameters: searchParams({ returnAll: true, splitOutAssessments: true, filters: { employmentIds: '={{ $json.employmentId }}' } }) },
			{
				name: 'Update',
				type: FEISHU_NODE_TYPE,
				parameters: {
					resource: 'probationAssessment',
					operation: 'update',
					assessmentBy: 'assessmentId',
					assessmentId: byId('={{ $json.assessmentId }}'),
					assessmentStatus: 'completed',
					// Search outputs each assessment's flag: sent back as it was.
					isFinalAssessment: '={{ $json.isFinalAssessment }}',
					additionalFields: { assessmentResult: 'approved' },
				},
			},
		]);
		expect(result.error).toBeUndefined();
		const updated = result.outputs.Update.map((i) => String(i.json.assessmentId));
		const owned = [...emulator.assessments.values()].filter((a) => a.employment_id === employmentId);
		expect(updated.sort()).toEqual(owned.map((a) => a.assessment_id).sort());
		for (const a of owned) expect(a).toMatchObject({ assessment_status: 'completed', assessment_result: 'approved' });
	});
});

describe('IDs of the type the user chose', () => {
	it('accepts an Open ID (ou_…) as the employment ID when the type is Open ID, and refuses it for CoreHR IDs', async () => {
		const ok = await runFeishu(credentials, [{}], { resource: 'probation', operation: 'search', filters: { employmentIds: 'ou_7dab8a3d3cdcc9da365777c7ad535d62' } });
		expect(ok.error).toBeUndefined();
		expect(emulator.requests.find((r) => r.path.endsWith('/search'))?.body).toMatchObject({ employment_ids: ['ou_7dab8a3d3cdcc9da365777c7ad535d62'] });

		const refused = await runFeishu(credentials, [{}], {
			resource: 'probation', operation: 'search',
			filters: { employmentIds: 'ou_7dab8a3d3cdcc9da365777c7ad535d62', userIdType: 'people_corehr_id' },
		});
		expect(refused.error?.message).toMatch(/Employment IDs "ou_7dab8a3d3cdcc9da365777c7ad535d62" is not valid/);
	});
});

describe('Search reads its switches the way they are meant', () => {
	it('treats the text "false" from an expression as false, and stops at the Limit', async () => {
		const result = await runFeishu(credentials, [{ all: 'false', split: 'false' }], {
			resource: 'probation', operation: 'search', returnAll: '={{ $json.all }}', limit: 5,
			splitOutAssessments: '={{ $json.split }}',
		});
		expect(result.items).toHaveLength(5);
		expect(result.items[0].json).toHaveProperty('assessments');
	});

	it('refuses a Limit of 0 or a fraction before sending anything', async () => {
		for (const limit of [0, 2.5]) {
			const result = await runFeishu(credentials, [{}], { resource: 'probation', operation: 'search', limit });
			expect(result.error?.message).toMatch(/Limit .* is not valid\. Use a whole number of 1 or more/);
		}
		expect(emulator.requests.filter((r) => r.path.endsWith('/search'))).toHaveLength(0);
	});
});

describe('Create says why an assessment in its list is wrong', () => {
	it('names the assessment and keeps the reason (required but empty)', async () => {
		const [employmentId] = [...emulator.probations.keys()];
		const result = await runFeishu(credentials, [{}], {
			resource: 'probationAssessment', operation: 'create', employee: byId(employmentId),
			assessments: { assessment: [{ assessmentStatus: 'completed', isFinalAssessment: false }, { assessmentStatus: '={{ "" }}', isFinalAssessment: true }] },
		});
		expect(result.error?.message).toMatch(/Assessment 2: Assessment Status .* is required but empty/);
	});
});
