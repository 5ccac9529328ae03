/**
 * Update a probation assessment, run through n8n-core's real execution against the Feishu
 * emulator over loopback HTTP: what the user feeds in, what goes on the wire, what comes out.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Emulator } from '../../dev/emulator';
import { DEFAULT_APP, startEmulator } from '../../dev/emulator';
import { CREDENTIAL_ID, MemoryCredentialsHelper, loadOptions, runFeishu } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import { allPatches, patchesFor, updateParameters } from '../helpers/updateRun';

const WRITE_SCOPE = 'corehr:probation.assessment:write';
const METADATA_SCOPES = ['corehr:common_data.meta_data:read', 'corehr:corehr:readonly', 'corehr:corehr'];
const NO_WRITE_APP = { appId: 'cli_nowrite0000000001', appSecret: 'no-write-scope-secret-7d1e0c55aa', missingScopes: [WRITE_SCOPE] };
const NO_METADATA_APP = { appId: 'cli_nometa00000000001', appSecret: 'no-metadata-scope-secret-91bb3f', missingScopes: METADATA_SCOPES };
/** An ID with the right shape that no assessment in the emulator has. */
const UNKNOWN_ID = '7140964208476300001';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
let ids: string[];
const runsOfThisTest: unknown[] = [];

/**
 * Every field from the row. Score: n8n expressions can yield NaN or Infinity (e.g. from a
 * failed parseFloat); rows ask for them with the markers "(NaN)" and "(Infinity)".
 */
function parameters(options: INodeParameters = {}): INodeParameters {
	return updateParameters(options, {
		additionalFields: {
			assessmentResult: '={{ $json.result }}',
			assessmentScore: '={{ $json.score === "(NaN)" ? NaN : $json.score === "(Infinity)" ? Infinity : $json.score }}',
			assessmentGrade: '={{ $json.grade }}',
			assessmentComment: '={{ $json.comment }}',
			assessmentDetail: '={{ $json.detail }}',
		},
	});
}

function credentialsFor(app: { appId: string; appSecret: string }): MemoryCredentialsHelper {
	const helper = new MemoryCredentialsHelper();
	helper.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, appId: app.appId, appSecret: app.appSecret });
	return helper;
}

/** Runs the node and keeps the run for the secret check after the test. */
async function run(rows: IDataObject[], options: { continueOnFail?: boolean; executionId?: string; params?: INodeParameters; with?: MemoryCredentialsHelper } = {}) {
	const result = await runFeishu(options.with ?? credentials, rows, options.params ?? parameters(), options);
	runsOfThisTest.push([result.items, result.run, result.error]);
	return result;
}

beforeAll(async () => {
	emulator = await startEmulator({ seed: 0, apps: [DEFAULT_APP, NO_WRITE_APP, NO_METADATA_APP] });
});
afterAll(async () => await emulator.close());
beforeEach(() => {
	emulator.reset(0);
	ids = emulator.seedAssessments(6);
	credentials = credentialsFor(emulator.defaultApp);
});
afterEach(() => {
	const secrets = secretsOf(emulator, [NO_WRITE_APP.appSecret, NO_METADATA_APP.appSecret]);
	expect(leakedSecrets(runsOfThisTest.splice(0), secrets)).toEqual([]);
});

describe('updating assessments from rows', () => {
	it('updates several assessments, one PATCH each, with the wire key spelled with three s', async () => {
		const result = await run([
			{ id: ids[0], status: 'Completed', final: true, result: '通过', score: '88.5', comment: 'Strong start', detail: 'https://hr.example.com/a/1' },
			{ id: ids[1], status: '进行中', final: 'false', result: '', score: '' },
			{ id: ` ${ids[2]} `, status: 'no_need', final: 'FALSE', result: 'Rejected', score: 61, grade: '良好' },
		]);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);

		const patches = allPatches(emulator);
		expect(patches.map((p) => p.path.split('/').pop())).toEqual([ids[0], ids[1], ids[2]]);
		for (const patch of patches) {
			expect(patch.body).toHaveProperty('is_final_asssessment');
			expect(patch.body).not.toHaveProperty('is_final_assessment');
			expect(patch.headers['content-type']).toMatch(/^application\/json/);
		}
		expect(patches[0].body).toEqual({
			assessment_status: 'completed',
			is_final_asssessment: true,
			assessment_result: 'approved',
			assessment_score: 88.5,
			assessment_comment: 'Strong start',
			assessment_detail: 'https://hr.example.com/a/1',
		});
		// Blank spreadsheet cells are not sent at all.
		expect(patches[1].body).toEqual({ assessment_status: 'in_process', is_final_asssessment: false });
		expect(patches[2].body).toEqual({
			assessment_status: 'no_need',
			is_final_asssessment: false,
			assessment_result: 'rejected',
			assessment_score: 61,
			assessment_grade: 'grade_b',
		});

		expect(emulator.assessments.get(ids[0])).toMatchObject({ assessment_status: 'completed', is_final_asssessment: true, assessment_result: 'approved', assessment_score: 88.5 });
		expect(emulator.assessments.get(ids[1])).toMatchObject({ assessment_status: 'in_process', is_final_asssessment: false });
		expect(emulator.assessments.get(ids[2])).toMatchObject({ assessment_status: 'no_need', assessment_result: 'rejected', assessment_grade: 'grade_b' });
		for (const id of ids.slice(0, 3)) expect(emulator.applyCount(id)).toBe(1);
		expect(emulator.tokenExchanges).toBe(1);
	});

	it("outputs per row the ID, what was sent in the user's words, the client token and Feishu's code, message and log ID", async () => {
		const result = await run([
			{ id: ids[0], status: '已完成', final: 'true', result: '不通过', score: '72', comment: 'ok' },
			{ id: ids[1], status: 'not_started', final: false },
		]);
		// Several rows are in flight at once: find row 1's request by its assessment.
		const patches = patchesFor(emulator, ids[0]);
		expect(result.items[0].json).toEqual({
			assessmentId: ids[0],
			updated: true,
			assessmentStatus: 'completed',
			isFinalAssessment: true,
			assessmentResult: 'rejected',
			assessmentScore: 72,
			assessmentComment: 'ok',
			clientToken: patches[0].query.client_token,
			code: 0,
			msg: 'success',
			logId: patches[0].logId,
		});
		// Fields that were not given are not reported as sent.
		expect(Object.keys(result.items[1].json).sort()).toEqual(
			['assessmentId', 'assessmentStatus', 'clientToken', 'code', 'isFinalAssessment', 'logId', 'msg', 'updated'].sort(),
		);
	});

	it('sends a score of 0 rather than dropping it as blank', async () => {
		await run([{ id: ids[0], status: 'completed', final: true, score: 0 }]);
		expect(allPatches(emulator)[0].body).toHaveProperty('assessment_score', 0);
	});

	it('sends a client token on every write: one per row, and new ones in a new execution (a deliberate re-run writes again)', async () => {
		const rows = [
			{ id: ids[0], status: 'completed', final: true },
			{ id: ids[1], status: 'completed', final: true },
		];
		await run(rows, { executionId: 'exec-first' });
		await run(rows, { executionId: 'exec-second' });
		const tokens = allPatches(emulator).map((p) => p.query.client_token);
		expect(tokens).toHaveLength(4);
		for (const token of tokens) expect(token).toMatch(/^n8n-[0-9a-f]+$/);
		expect(new Set(tokens).size).toBe(4);
		expect(emulator.applyCount(ids[0])).toBe(2);
	});

	it('lets a 30-row sheet go out at once under the default pacing of 100 per minute', async () => {
		const more = emulator.seedAssessments(30);
		const result = await run(more.map((id) => ({ id, status: 'completed', final: true })));
		expect(result.items.filter((i) => i.json.updated === true)).toHaveLength(30);
		const times = allPatches(emulator).map((p) => p.time);
		// A smooth drip at 100/min would need 17 s for 30 rows, a blocked window 60 s.
		expect(times[times.length - 1] - times[0]).toBeLessThan(10_000);
	});
});

interface BadCase {
	what: string;
	row: IDataObject;
	/** The whole sentence after "Item 2 (index 1): ": field, value, and what is allowed. */
	says: RegExp;
}

const okRow = (id: string): IDataObject => ({ id, status: 'completed', final: true });

/** Row 2 of three is bad; `id` is ids[1], the row's own ID, when the case keeps it. */
const BAD_CASES = (id: string): BadCase[] => [
	{
		what: 'an unknown status',
		row: { id, status: 'finished', final: true },
		says: /Assessment Status "finished" is not valid\. Allowed: Not Started \(not_started, 未开始\); In Process \(in_process, In Progress, 进行中\); Completed \(completed, Done, 已完成\); No Need \(no_need/,
	},
	{
		what: 'an unknown result',
		row: { id, status: 'completed', final: true, result: 'maybe' },
		says: /Assessment Result "maybe" is not valid\. Allowed: Approved \(approved, .*通过.*\); Rejected \(rejected, .*不通过\)/,
	},
	{
		what: 'a score that is not a number',
		row: { id, status: 'completed', final: true, score: 'eighty' },
		says: /Assessment Score "eighty" is not valid\. Use a number such as 88\.5/,
	},
	{
		what: 'a score that is NaN',
		row: { id, status: 'completed', final: true, score: '(NaN)' },
		says: /Assessment Score NaN is not valid\. Use a number such as 88\.5/,
	},
	{
		what: 'a score that is Infinity',
		row: { id, status: 'completed', final: true, score: '(Infinity)' },
		says: /Assessment Score Infinity is not valid\. Use a number such as 88\.5/,
	},
	{
		what: 'a detail link that is not http(s)',
		row: { id, status: 'completed', final: true, detail: 'ftp://files.example.com/review.pdf' },
		says: /Assessment Detail Link "ftp:\/\/files\.example\.com\/review\.pdf" is not valid\. Use a full link starting with http:\/\/ or https:\/\//,
	},
	{
		what: 'an ID a spreadsheet already rounded to a number',
		row: { id: 7140964208476371331, status: 'completed', final: true },
		says: /Assessment ID 7140964208476371000 came in as a number and lost its last digits.*Format the column as text/,
	},
	{
		what: 'an ID in scientific notation',
		row: { id: '7.14096420847637E+18', status: 'completed', final: true },
		says: /Assessment ID "7\.14096420847637E\+18" is a number in scientific notation.*Format the spreadsheet column as text/,
	},
	{
		what: 'an ID with non-digits',
		row: { id: 'EMP-7140964208476371331', status: 'completed', final: true },
		says: /Assessment ID "EMP-7140964208476371331" is not valid\. Use the ID as text, digits only/,
	},
	{
		what: 'a missing ID',
		row: { id: '', status: 'completed', final: true },
		says: /Assessment ID "" is required but empty\. Use the ID as text, digits only/,
	},
	{
		what: 'a missing status',
		row: { id, status: '', final: true },
		says: /Assessment Status "" is required but empty\. Allowed: Not Started \(not_started/,
	},
	{
		what: 'a final flag that is neither true nor false',
		row: { id, status: 'completed', final: 'maybe' },
		says: /Is Final Assessment "maybe" is not valid\. Allowed: Keep Current Value \(keep, or an empty value\); Yes \(true, yes, 1, 是\); No \(false, no, 0, 否\)/,
	},
	{
		what: 'a grade the tenant does not have',
		row: { id, status: 'completed', final: true, grade: 'grade_z' },
		says: /Assessment Grade "grade_z" is not an open grade option in your tenant\. Allowed: A \(grade_a, 优秀\); B \(grade_b, 良好\)/,
	},
	{
		what: 'a grade the tenant has closed',
		row: { id, status: 'completed', final: true, grade: 'grade_x' },
		says: /Assessment Grade "grade_x" is not an open grade option in your tenant\. Allowed: A \(grade_a/,
	},
];

describe('bad input: the row is refused before anything is sent for it', () => {
	// The table needs the row's ID, which each test seeds afresh: cases are looked up by name.
	it.each(BAD_CASES('').map((c) => c.what))('%s stops the run with an error naming the item, field, value and what is allowed', async (what) => {
		const bad = BAD_CASES(ids[1]).find((c) => c.what === what)!;
		const result = await run([okRow(ids[0]), bad.row, okRow(ids[2])]);

		// n8n keeps the run's error as a plain copy of the thrown one.
		expect(result.error?.name).toBe('NodeOperationError');
		const message = result.error!.message;
		expect(message.startsWith('Item 2 (index 1): ')).toBe(true);
		expect(message).toMatch(bad.says);
		expect(message).toMatch(/Nothing was sent to Feishu for this item/);
		// Row 1 went out before the failure; nothing for row 2, and the run stopped there.
		expect(allPatches(emulator).map((p) => p.path.split('/').pop())).toEqual([ids[0]]);
		expect(emulator.applyCount(ids[1])).toBe(0);
		expect(emulator.applyCount(ids[2])).toBe(0);
	});

	it('with Continue On Fail, gives each bad row an error item and still applies every good row, in order', async () => {
		// NaN and Infinity have their own tests above; here the point is the per-row error policy.
		const cases = BAD_CASES(ids[1]).filter((c) => !/NaN|Infinity/.test(c.what));
		const goodIds = emulator.seedAssessments(cases.length + 1);
		const badIds = emulator.seedAssessments(cases.length);
		// good, bad, good, bad, …, good: each bad row keeps its own (untouched) assessment ID.
		const rows: IDataObject[] = [];
		goodIds.forEach((id, i) => {
			rows.push(okRow(id));
			if (i < cases.length) rows.push({ ...cases[i].row, ...(cases[i].row.id === ids[1] ? { id: badIds[i] } : {}) });
		});
		const before = badIds.map((id) => ({ ...emulator.assessments.get(id)! }));

		const result = await run(rows, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(rows.length);
		result.items.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));

		const misreported: string[] = [];
		cases.forEach((c, i) => {
			const index = 2 * i + 1;
			const item = result.items[index];
			const message = String(item.json.error ?? '');
			if (!message.startsWith(`Item ${index + 1} (index ${index}): `) || !c.says.test(message)) misreported.push(`${c.what}: ${message || JSON.stringify(item.json)}`);
			expect(item.json.updated).toBeUndefined();
			expect(item.error).toBeInstanceOf(NodeOperationError);
		});
		goodIds.forEach((id, i) => {
			expect(result.items[2 * i].json).toMatchObject({ assessmentId: id, updated: true });
			expect(emulator.applyCount(id)).toBe(1);
		});
		// Only the good rows reached Feishu; the bad rows' assessments are as they were.
		// (In any order on the wire: several rows are in flight at once; the output keeps the row order.)
		expect(allPatches(emulator).map((p) => p.path.split('/').pop()).sort()).toEqual([...goodIds].sort());
		badIds.forEach((id, i) => expect(emulator.assessments.get(id)).toEqual(before[i]));
		expect(misreported).toEqual([]);
	});
});

describe("Feishu's refusals", () => {
	it('stops on an unknown assessment ID with a NodeApiError carrying code 1162010, the log ID and a hint, without retrying', async () => {
		const result = await run([okRow(UNKNOWN_ID)]);
		const error = result.error as unknown as NodeApiError;
		expect(error.name).toBe('NodeApiError');
		const [patch] = patchesFor(emulator, UNKNOWN_ID);
		expect(patchesFor(emulator, UNKNOWN_ID)).toHaveLength(1);
		expect(patch.logId).toBeTruthy();
		expect(error.message).toMatch(/^Item 1 \(index 0\): /);
		expect(error.message).toContain('1162010');
		expect(error.message).toContain(patch.logId);
		expect(error.errorResponse).toMatchObject({ code: 1162010, logId: patch.logId });
		expect(error.description).toMatch(/No record with this ID exists/);
		expect(error.description).toContain(`HTTP 400, Feishu code 1162010, log ID ${patch.logId}`);
	});

	it('explains a missing write scope (99991672): add the scope and publish a new app version', async () => {
		const result = await run([okRow(ids[0])], { with: credentialsFor(NO_WRITE_APP) });
		const error = result.error as unknown as NodeApiError;
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toContain('99991672');
		expect(error.description).toMatch(/add it .*then create and publish a new app version/i);
		expect(error.description).toContain(WRITE_SCOPE);
		expect(patchesFor(emulator, ids[0])).toHaveLength(1);
		expect(emulator.applyCount(ids[0])).toBe(0);
	});

	it("explains an IP allow-list refusal (99991401): the server's IP must be allowed", async () => {
		emulator.faults.respondWith(1, 400, { code: 99991401, msg: 'ip not in whitelist', error: { log_id: 'LOG-IP-1' } });
		const result = await run([okRow(ids[0])]);
		const error = result.error as unknown as NodeApiError;
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toContain('99991401');
		expect(error.message).toContain('LOG-IP-1');
		expect(error.description).toMatch(/IP address is not on the app's IP allow-list/);
		expect(patchesFor(emulator, ids[0])).toHaveLength(1);
	});

	it('treats a non-zero code that came with HTTP 200 as a failure, not as "updated"', async () => {
		emulator.faults.respondWith(1, 200, { code: 1160005, msg: 'required parameter is empty', data: {} }, { match: { path: ids[1] } });
		const before = { ...emulator.assessments.get(ids[1])! };
		const result = await run([okRow(ids[0]), okRow(ids[1]), okRow(ids[2])], { continueOnFail: true });
		expect(result.items[1].json.updated).toBeUndefined();
		expect(result.items[1].json.error).toMatch(/^Item 2 \(index 1\): .*1160005/);
		expect((result.items[1].error as NodeApiError).errorResponse).toMatchObject({ code: 1160005, httpStatus: 200 });
		expect(patchesFor(emulator, ids[1])).toHaveLength(1);
		expect(emulator.assessments.get(ids[1])).toEqual(before);
		expect(result.items[0].json.updated).toBe(true);
		expect(result.items[2].json.updated).toBe(true);
	});

	it("with Continue On Fail, reports Feishu's refusal on the row's own error item with the code and log ID, and goes on", async () => {
		const result = await run([okRow(ids[0]), okRow(UNKNOWN_ID), okRow(ids[2])], { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const [patch] = patchesFor(emulator, UNKNOWN_ID);
		expect(result.items[1].json.error).toMatch(/^Item 2 \(index 1\): /);
		expect(result.items[1].json.error).toContain('1162010');
		expect(result.items[1].json.error).toContain(patch.logId);
		expect(result.items[1].error).toBeInstanceOf(NodeApiError);
		expect(result.items[0].json).toMatchObject({ assessmentId: ids[0], updated: true });
		expect(result.items[2].json).toMatchObject({ assessmentId: ids[2], updated: true });
	});
});

describe('grades', () => {
	it("lists the tenant's open grade options by label, with the API name as the value, and skips closed ones", async () => {
		const options = (await loadOptions(credentials, 'getAssessmentGrades')) as Array<{ name: string; value: string }>;
		expect(options.map((o) => [o.name, o.value])).toEqual([
			['A (优秀)', 'grade_a'],
			['B (良好)', 'grade_b'],
			['C (合格)', 'grade_c'],
			['D (不合格)', 'grade_d'],
		]);
		expect(options.map((o) => o.value)).not.toContain('grade_x');
		expect(leakedSecrets(options, secretsOf(emulator))).toEqual([]);
	});

	it('sends the API name for a grade given by label in a row, reading the grade list once per run', async () => {
		const result = await run([
			{ ...okRow(ids[0]), grade: 'A' },
			{ ...okRow(ids[1]), grade: '良好' },
			{ ...okRow(ids[2]), grade: 'grade_c' },
			{ ...okRow(ids[3]), grade: 'd' },
		]);
		expect(result.error).toBeUndefined();
		expect(ids.slice(0, 4).map((id) => (patchesFor(emulator, id)[0].body as IDataObject).assessment_grade)).toEqual(['grade_a', 'grade_b', 'grade_c', 'grade_d']);
		expect(result.items.map((i) => i.json.assessmentGrade)).toEqual(['grade_a', 'grade_b', 'grade_c', 'grade_d']);
		expect(emulator.assessments.get(ids[1])?.assessment_grade).toBe('grade_b');
		expect(emulator.requests.filter((r) => r.path.includes('custom_fields/get_by_param'))).toHaveLength(1);
	});

	it('does not read the grade list when no row gives a grade', async () => {
		await run([okRow(ids[0]), okRow(ids[1])]);
		expect(emulator.requests.filter((r) => r.path.includes('custom_fields/get_by_param'))).toHaveLength(0);
	});

	it('sends an API name as given when the app may not read the grade list, and refuses a label it cannot resolve', async () => {
		const result = await run([{ ...okRow(ids[0]), grade: 'grade_b' }, { ...okRow(ids[1]), grade: '良好' }], {
			continueOnFail: true,
			with: credentialsFor(NO_METADATA_APP),
		});
		expect(result.items[0].json).toMatchObject({ updated: true, assessmentGrade: 'grade_b' });
		expect(result.items[1].json.error).toMatch(/^Item 2 \(index 1\): Assessment Grade "良好" .*API name/);
		expect(patchesFor(emulator, ids[1])).toHaveLength(0);
	});
});
