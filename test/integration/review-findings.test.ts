import type { Emulator } from '../../dev/emulator';
import { startEmulator } from '../../dev/emulator';
import { CREDENTIAL_ID, MemoryCredentialsHelper, runFeishu } from '../../dev/harness/n8nCore';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;

beforeAll(async () => {
	emulator = await startEmulator({ seed: 0 });
});
afterAll(async () => await emulator.close());
beforeEach(() => {
	emulator.reset(20);
	credentials = new MemoryCredentialsHelper();
	credentials.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, ...emulator.defaultApp });
});

const createFor = (employmentId: string) => ({
	resource: 'probationAssessment',
	operation: 'create',
	employmentId,
	assessments: { assessment: [{ assessmentStatus: 'not_started', isFinalAssessment: false }] },
});

describe('client tokens never make Feishu skip or misdirect a write', () => {
	it('creates for a second employee when the node runs again in the same execution (a loop over batches)', async () => {
		const [first, second] = [...emulator.probations.keys()];
		const before = emulator.assessments.size;
		const a = await runFeishu(credentials, [{}], createFor(first), { executionId: 'exec-loop' });
		const b = await runFeishu(credentials, [{}], createFor(second), { executionId: 'exec-loop' });
		expect(emulator.assessments.size).toBe(before + 2);
		const [idA] = a.items[0].json.assessmentIds as string[];
		const [idB] = b.items[0].json.assessmentIds as string[];
		expect(emulator.assessments.get(idA)?.employment_id).toBe(first);
		expect(emulator.assessments.get(idB)?.employment_id).toBe(second);
	});

	it('refuses a fixed Client Token reused for a different item, before sending it', async () => {
		const [first, second] = [...emulator.probations.keys()];
		const before = emulator.assessments.size;
		const result = await runFeishu(credentials, [{ e: first }, { e: second }], {
			...createFor('={{ $json.e }}'),
			options: { clientToken: 'hr-import-may' },
		}, { continueOnFail: true });
		expect(result.items[0].json.assessmentIds).toHaveLength(1);
		expect(String(result.items[1].json.error)).toMatch(/Item 2 \(index 1\): Client Token "hr-import-may" was already used for a different request.*Nothing was sent/);
		expect(emulator.assessments.size).toBe(before + 1);
		expect(emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/assessments'))).toHaveLength(1);
	});
});

describe('IDs of the type the user chose', () => {
	it('accepts an Open ID (ou_…) as the employment ID when the type is Open ID, and refuses it for CoreHR IDs', async () => {
		const ok = await runFeishu(credentials, [{}], { resource: 'probation', operation: 'search', filters: { employmentIds: 'ou_7dab8a3d3cdcc9da365777c7ad535d62' } });
		expect(ok.error).toBeUndefined();
		expect(emulator.requests.find((r) => r.path.endsWith('/search'))?.body).toMatchObject({ employment_ids: ['ou_7dab8a3d3cdcc9da365777c7ad535d62'] });

		const refused = await runFeishu(credentials, [{}], {
			resource: 'probation', operation: 'search',
			filters: { employmentIds: 'ou_7dab8a3d3cdcc9da365777c7ad535d62' }, options: { userIdType: 'people_corehr_id' },
		});
		expect(refused.error?.message).toMatch(/Employment IDs "ou_7dab8a3d3cdcc9da365777c7ad535d62" is not valid/);
	});
});

describe('Search reads its switches the way they are meant', () => {
	it('treats the text "false" from an expression as false, and stops at the Limit', async () => {
		const result = await runFeishu(credentials, [{ all: 'false', split: 'false' }], {
			resource: 'probation', operation: 'search', returnAll: '={{ $json.all }}', limit: 5,
			options: { splitOutAssessments: '={{ $json.split }}' },
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
			resource: 'probationAssessment', operation: 'create', employmentId,
			assessments: { assessment: [{ assessmentStatus: 'completed', isFinalAssessment: false }, { assessmentStatus: '={{ "" }}', isFinalAssessment: true }] },
		});
		expect(result.error?.message).toMatch(/Assessment 2: Assessment Status .* is required but empty/);
	});
});
