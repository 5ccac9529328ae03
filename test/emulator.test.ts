import http from 'http';
import axios from 'axios';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { startEmulator, TOKEN_PATH } from '../dev/emulator';
import type { Emulator } from '../dev/emulator';

const FIRST_ID = '7140964208476371331';
const PATCH_PATH = (id: string): string => `/open-apis/corehr/v2/probation/assessments/${id}`;
const SEARCH = '/open-apis/corehr/v2/probation/search';
const GRADES =
	'/open-apis/corehr/v1/custom_fields/get_by_param?object_api_name=probation_management&custom_api_name=final_assessment_grade';
const body = { assessment_status: 'completed', is_final_asssessment: true };

interface FeishuBody {
	code: number;
	msg: string;
	data?: Record<string, unknown>;
	error?: {
		log_id: string;
		field_violations?: { field: string; value: string; description: string }[];
		permission_violations?: { scope: string }[];
	};
	tenant_access_token?: string;
	expire?: number;
}

let clock = 1_700_000_000_000;
let emu: Emulator;
let api: AxiosInstance;

async function tokenFor(e: Emulator = emu, client: AxiosInstance = api): Promise<string> {
	const res = await client.post<FeishuBody>(TOKEN_PATH, {
		app_id: e.defaultApp.appId,
		app_secret: e.defaultApp.appSecret,
	});
	return res.data.tenant_access_token as string;
}

function client(url: string): AxiosInstance {
	// validateStatus: look at every answer ourselves; transitional JSON parsing keeps text bodies as text.
	return axios.create({ baseURL: url, validateStatus: () => true, proxy: false });
}

async function authed(): Promise<AxiosInstance> {
	const token = await tokenFor();
	const c = client(emu.url);
	c.defaults.headers.common.Authorization = `Bearer ${token}`;
	return c;
}

beforeAll(async () => {
	emu = await startEmulator({ now: () => clock });
	api = client(emu.url);
});

afterAll(async () => {
	await emu.close();
});

beforeEach(() => {
	clock = 1_700_000_000_000;
	emu.reset();
});

describe('envelope', () => {
	it('sends a unique X-Tt-Logid that matches error.log_id', async () => {
		const a = await api.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body);
		const b = await api.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body);
		expect(a.headers['x-tt-logid']).toBeTruthy();
		expect(a.headers['x-tt-logid']).not.toBe(b.headers['x-tt-logid']);
		expect(a.data.error?.log_id).toBe(a.headers['x-tt-logid']);
	});

	it('answers unknown paths in plain text 404', async () => {
		const res = await api.get('/open-apis/nope');
		expect(res.status).toBe(404);
		expect(res.data).toBe('404 page not found');
	});
});

describe('tenant_access_token', () => {
	it('issues a t- token and returns the same one while > 1/4 of its life remains', async () => {
		const first = await api.post<FeishuBody>(TOKEN_PATH, { app_id: emu.defaultApp.appId, app_secret: emu.defaultApp.appSecret });
		expect(first.status).toBe(200);
		expect(first.data).toMatchObject({ code: 0, msg: 'ok', expire: 7200 });
		expect(first.data.tenant_access_token).toMatch(/^t-[0-9a-f]+$/);
		clock += 60 * 60 * 1000; // 60 min left
		const again = await api.post<FeishuBody>(TOKEN_PATH, { app_id: emu.defaultApp.appId, app_secret: emu.defaultApp.appSecret });
		expect(again.data.tenant_access_token).toBe(first.data.tenant_access_token);
		expect(again.data.expire).toBe(3600);
		clock += 31 * 60 * 1000; // 29 min left: a new token, the old one still works
		const fresh = await api.post<FeishuBody>(TOKEN_PATH, { app_id: emu.defaultApp.appId, app_secret: emu.defaultApp.appSecret });
		expect(fresh.data.tenant_access_token).not.toBe(first.data.tenant_access_token);
		expect(fresh.data.expire).toBe(7200);
		expect(emu.tokenExchanges).toBe(3);
		expect(emu.issuedTokens()).toEqual([first.data.tenant_access_token, fresh.data.tenant_access_token]);
		const old = await api.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body, {
			headers: { Authorization: `Bearer ${first.data.tenant_access_token}` },
		});
		expect(old.data.code).toBe(0);
		clock += 30 * 60 * 1000; // the old one has now expired
		const expired = await api.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body, {
			headers: { Authorization: `Bearer ${first.data.tenant_access_token}` },
		});
		expect([expired.status, expired.data.code]).toEqual([400, 99991663]);
	});

	it('rejects bad credentials with HTTP 400 and Feishu codes', async () => {
		const unknown = await api.post<FeishuBody>(TOKEN_PATH, { app_id: 'cli_nope', app_secret: 'x' });
		expect([unknown.status, unknown.data.code, unknown.data.msg]).toEqual([400, 10003, 'invalid param']);
		const missing = await api.post<FeishuBody>(TOKEN_PATH, {});
		expect(missing.data.code).toBe(10003);
		const wrong = await api.post<FeishuBody>(TOKEN_PATH, { app_id: emu.defaultApp.appId, app_secret: 'wrong' });
		expect([wrong.status, wrong.data.code, wrong.data.msg]).toEqual([400, 10014, 'app secret invalid']);
		const form = await api.post<FeishuBody>(TOKEN_PATH, 'app_id=x&app_secret=y', {
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		});
		expect(form.status).toBe(400);
		expect(emu.tokenExchanges).toBe(0);
	});
});

describe('authorization', () => {
	it.each([
		['missing', 99991661, undefined],
		['malformed', 99991661, 'Token abc'],
		['wrong prefix', 99991671, 'Bearer x-123'],
		['unknown', 99991663, 'Bearer t-0123456789abcdef'],
	])('%s header → 400 / %d', async (_name, code, header) => {
		const res = await api.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body, {
			headers: header ? { Authorization: header } : {},
		});
		expect([res.status, res.data.code]).toEqual([400, code]);
	});

	it('expireAllTokens() makes every token invalid (99991663) and the next exchange gives a new one', async () => {
		const c = await authed();
		expect((await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body)).data.code).toBe(0);
		emu.expireAllTokens();
		const res = await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body);
		expect(res.data).toMatchObject({
			code: 99991663,
			msg: 'Invalid access token for authorization. Please make a request with token attached.',
		});
		const next = await tokenFor();
		expect(next).not.toBe(emu.issuedTokens()[0]);
	});

	it('names the missing scope (99991672)', async () => {
		const e = await startEmulator({
			apps: [{ appId: 'cli_noscope', appSecret: 's', missingScopes: ['corehr:probation.assessment:write'] }],
		});
		try {
			const c = client(e.url);
			const token = await tokenFor(e, c);
			const res = await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body, { headers: { Authorization: `Bearer ${token}` } });
			expect([res.status, res.data.code]).toEqual([400, 99991672]);
			expect(res.data.msg).toContain('corehr:probation.assessment:write');
			expect(res.data.error?.permission_violations?.[0].scope).toBe('corehr:probation.assessment:write');
			// Reads need other scopes, so they still work.
			const grades = await c.get<FeishuBody>(GRADES, { headers: { Authorization: `Bearer ${token}` } });
			expect(grades.data.code).toBe(0);
		} finally {
			await e.close();
		}
	});
});

describe('PATCH assessment', () => {
	it('stores exactly the fields sent and counts the apply', async () => {
		const c = await authed();
		const res = await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), {
			assessment_status: 'completed',
			assessment_result: 'rejected',
			assessment_score: 61.5,
			is_final_asssessment: true,
		});
		expect(res.status).toBe(200);
		expect(res.data).toEqual({ code: 0, msg: 'success', data: {} });
		const stored = emu.assessments.get(FIRST_ID);
		expect(stored).toMatchObject({
			assessment_status: 'completed',
			assessment_result: 'rejected',
			assessment_score: 61.5,
			is_final_asssessment: true,
			assessment_grade: 'grade_a', // untouched: not sent
			assessment_comment: 'Strong first quarter',
		});
		expect(emu.applyCount(FIRST_ID)).toBe(1);
		const logged = emu.requests[emu.requests.length - 1];
		expect(logged.headers.authorization).toMatch(/^Bearer t-/);
		expect(logged.body).toMatchObject({ is_final_asssessment: true });
		expect(logged.status).toBe(200);
	});

	it.each([
		['two-s final flag', { assessment_status: 'completed', is_final_assessment: true }, 'is_final_asssessment'],
		['missing status', { is_final_asssessment: false }, 'assessment_status'],
		['unknown status', { assessment_status: 'done', is_final_asssessment: false }, 'assessment_status'],
		['flag as string', { assessment_status: 'completed', is_final_asssessment: 'true' }, 'is_final_asssessment'],
		['bad result', { ...body, assessment_result: 'pass' }, 'assessment_result'],
		['score as string', { ...body, assessment_score: '88.5' }, 'assessment_score'],
		['closed grade', { ...body, assessment_grade: 'grade_x' }, 'assessment_grade'],
		['unknown grade', { ...body, assessment_grade: 'A' }, 'assessment_grade'],
		['comment not a string', { ...body, assessment_comment: 5 }, 'assessment_comment'],
	])('rejects %s with 99992402 naming the field', async (_name, sent, field) => {
		const c = await authed();
		const res = await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), sent);
		expect([res.status, res.data.code, res.data.msg]).toEqual([400, 99992402, 'field validation failed']);
		expect(res.data.error?.field_violations?.map((v) => v.field)).toContain(field);
		expect(emu.applyCount(FIRST_ID)).toBe(0);
	});

	it('rejects a non-numeric ID, an unknown ID, a rounded ID and a non-JSON body', async () => {
		const c = await authed();
		const notDigits = await c.patch<FeishuBody>(PATCH_PATH('7.140964208476371e18'), body);
		expect(notDigits.data.code).toBe(99992402);
		// What a spreadsheet makes of FIRST_ID: a different, non-existent object.
		const rounded = await c.patch<FeishuBody>(PATCH_PATH(String(Number(FIRST_ID))), body);
		expect([rounded.status, rounded.data.code]).toEqual([400, 1162010]);
		const form = await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), 'assessment_status=completed', {
			headers: { 'Content-Type': 'text/plain' },
		});
		expect(form.status).toBe(400);
		expect(form.data.code).not.toBe(0);
		expect(form.data.msg).toMatch(/Content-Type/);
	});

	it('applies a client_token only once per app: the same token is the same request, whatever the path', async () => {
		const c = await authed();
		const first = await c.patch<FeishuBody>(`${PATCH_PATH(FIRST_ID)}?client_token=ct-1`, body);
		const replay = await c.patch<FeishuBody>(`${PATCH_PATH(FIRST_ID)}?client_token=ct-1`, {
			...body,
			assessment_status: 'in_process',
		});
		expect(replay.data).toEqual(first.data);
		expect(emu.applyCount(FIRST_ID)).toBe(1);
		expect(emu.assessments.get(FIRST_ID)?.assessment_status).toBe('completed');
		expect(emu.requests[emu.requests.length - 1].deduplicated).toBe(true);
		// Feishu's docs: requests with the same client_token are treated as the same request.
		const other = [...emu.assessments.keys()][1];
		await c.patch(`${PATCH_PATH(other)}?client_token=ct-1`, body);
		expect(emu.applyCount(other)).toBe(0);
		await c.patch(`${PATCH_PATH(other)}?client_token=ct-2`, body);
		expect(emu.applyCount(other)).toBe(1);
	});
});

describe('grade options', () => {
	it('nests the options at data.data.common_schema_config.enum_field_setting', async () => {
		const c = await authed();
		const res = await c.get<FeishuBody>(GRADES);
		const field = (res.data.data as { data: Record<string, unknown> }).data;
		expect(field).toMatchObject({ custom_api_name: 'final_assessment_grade', type: 4, object_api_name: 'probation_management' });
		const options = (field.common_schema_config as { enum_field_setting: { enum_field_option_list: unknown[] } })
			.enum_field_setting.enum_field_option_list;
		expect(options[0]).toEqual({
			api_name: 'grade_a',
			name: { zh_cn: '优秀', en_us: 'A' },
			description: expect.objectContaining({ zh_cn: expect.any(String), en_us: expect.any(String) }),
			is_open: true,
		});
		expect(options).toContainEqual(expect.objectContaining({ api_name: 'grade_x', is_open: false }));
	});

	it('answers 1162010 / 1162020 for other objects and fields', async () => {
		const c = await authed();
		const obj = await c.get<FeishuBody>('/open-apis/corehr/v1/custom_fields/get_by_param?object_api_name=x&custom_api_name=final_assessment_grade');
		expect([obj.status, obj.data.code]).toEqual([400, 1162010]);
		const fld = await c.get<FeishuBody>('/open-apis/corehr/v1/custom_fields/get_by_param?object_api_name=probation_management&custom_api_name=y');
		expect([fld.status, fld.data.code]).toEqual([400, 1162020]);
	});
});

describe('search', () => {
	it('pages with has_more / page_token, no total, string IDs and enum objects', async () => {
		const c = await authed();
		const p1 = await c.post<FeishuBody>(`${SEARCH}?page_size=2`, {});
		const d1 = p1.data.data as { items: Record<string, unknown>[]; has_more: boolean; page_token?: string };
		expect(d1.items).toHaveLength(2);
		expect(d1.has_more).toBe(true);
		expect(typeof d1.page_token).toBe('string');
		expect(d1).not.toHaveProperty('total');
		expect(d1.items[0].probation_status).toEqual({
			enum_name: 'waiting',
			display: [
				{ lang: 'zh-CN', value: '待发起转正' },
				{ lang: 'en-US', value: 'Waiting' },
			],
		});
		const assessments = d1.items[0].assessments as Record<string, unknown>[];
		expect(assessments[0].assessment_id).toBe(FIRST_ID);
		expect(assessments[0]).toHaveProperty('is_final_asssessment', false);
		const p2 = await c.post<FeishuBody>(`${SEARCH}?page_size=2&page_token=${d1.page_token}`, {});
		const d2 = p2.data.data as { items: unknown[]; has_more: boolean; page_token?: string };
		expect(d2.items).toHaveLength(1);
		expect(d2.has_more).toBe(false);
		expect(d2.page_token).toBeUndefined();
	});

	it('filters and validates', async () => {
		const c = await authed();
		const ids = async (filter: Record<string, unknown>): Promise<string[]> => {
			const res = await c.post<FeishuBody>(`${SEARCH}?page_size=100&user_id_type=people_corehr_id`, filter);
			expect(res.data.code).toBe(0);
			return (res.data.data?.items as { employment_id: string }[]).map((i) => i.employment_id);
		};
		const [e1, e2, e3] = [...emu.probations.keys()];
		expect(await ids({ employment_ids: [e2] })).toEqual([e2]);
		expect(await ids({ probation_status: 'approved' })).toEqual([e3]);
		expect(await ids({ probation_start_date_start: '2025-09-01', probation_start_date_end: '2025-12-31' })).toEqual([e1, e2]);
		expect(await ids({ final_assessment_grade: 'grade_b' })).toEqual([e3]);
		expect(await ids({ final_assessment_result: 'approved' })).toEqual([e3]);
		const dept = emu.probations.get(e1)?.department.open_department_id as string;
		expect(await ids({ department_ids: [dept] })).toHaveLength(3);
		for (const query of ['', '?page_size=0', '?page_size=101', '?page_size=abc']) {
			const res = await c.post<FeishuBody>(`${SEARCH}${query}`, {});
			expect([res.status, res.data.code]).toEqual([400, 99992402]);
		}
		const half = await c.post<FeishuBody>(`${SEARCH}?page_size=10`, { probation_start_date_start: '2025-01-01' });
		expect(half.data.code).toBe(99992402);
	});
});

describe('create and delete', () => {
	it('creates assessments with new 19-digit IDs in request order, then deletes one', async () => {
		const c = await authed();
		const employment = [...emu.probations.keys()][1];
		const res = await c.post<FeishuBody>('/open-apis/corehr/v2/probation/assessments', {
			employment_id: employment,
			assessments: [body, { assessment_status: 'not_started', is_final_asssessment: false }],
		});
		const ids = res.data.data?.assessment_ids as string[];
		expect(ids).toHaveLength(2);
		expect(ids.every((id) => /^\d{19}$/.test(id) && BigInt(id) > 2n ** 53n)).toBe(true);
		expect(emu.assessments.get(ids[0])?.assessment_status).toBe('completed');
		expect(emu.assessments.get(ids[1])?.assessment_status).toBe('not_started');
		const unknown = await c.post<FeishuBody>('/open-apis/corehr/v2/probation/assessments', {
			employment_id: '7140964208476370000',
			assessments: [body],
		});
		expect(unknown.data.code).toBe(1162010);
		const bad = await c.post<FeishuBody>('/open-apis/corehr/v2/probation/assessments', {
			employment_id: employment,
			assessments: [{ assessment_status: 'completed' }],
		});
		expect(bad.data.error?.field_violations?.[0].field).toBe('assessments[0].is_final_asssessment');

		// client_token on create: the replay returns the same IDs and creates nothing.
		const createOnce = (): Promise<AxiosResponse<FeishuBody>> =>
			c.post<FeishuBody>('/open-apis/corehr/v2/probation/assessments?client_token=create-1', {
				employment_id: employment,
				assessments: [body],
			});
		const size = emu.assessments.size;
		const once = await createOnce();
		const twice = await createOnce();
		expect(twice.data).toEqual(once.data);
		expect(emu.assessments.size).toBe(size + 1);

		const del = await c.delete<FeishuBody>(PATCH_PATH(ids[0]));
		expect(del.data).toEqual({ code: 0, msg: 'success', data: {} });
		expect(emu.assessments.has(ids[0])).toBe(false);
		const again = await c.delete<FeishuBody>(PATCH_PATH(ids[0]));
		expect([again.status, again.data.code]).toEqual([400, 1162010]);
	});
});

describe('seed data', () => {
	it('makes deterministic IDs above 2^53 and can add more', async () => {
		const a = await startEmulator({ seed: 50 });
		const b = await startEmulator({ seed: 50 });
		try {
			expect(a.probations.size).toBe(50);
			expect(a.assessments.size).toBeGreaterThanOrEqual(50);
			expect(a.assessments.size).toBeLessThanOrEqual(100);
			expect([...a.assessments.keys()]).toEqual([...b.assessments.keys()]);
			expect([...a.assessments.values()]).toEqual([...b.assessments.values()]);
			for (const id of [...a.assessments.keys(), ...a.probations.keys()]) {
				expect(id).toMatch(/^\d{19}$/);
				expect(BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
			}
			const added = a.seedAssessments(3);
			expect(added).toHaveLength(3);
			expect(added.every((id) => a.assessments.has(id))).toBe(true);
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});

	it('reset() restores the seed and clears log, counters, tokens', async () => {
		const c = await authed();
		await c.patch(PATCH_PATH(FIRST_ID), { ...body, assessment_comment: 'changed' });
		emu.reset();
		expect(emu.assessments.get(FIRST_ID)?.assessment_comment).toBe('Strong first quarter');
		expect(emu.requests).toHaveLength(0);
		expect(emu.tokenExchanges).toBe(0);
		expect(emu.applyCount(FIRST_ID)).toBe(0);
		expect((await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body)).data.code).toBe(99991663);
	});
});

describe('rate limit', () => {
	it('allows `limit` writes per sliding window, then 429 / 99991400 with x-ogw headers', async () => {
		emu.setWriteRateLimit({ limit: 3, windowMs: 10_000 });
		const c = await authed();
		for (let i = 0; i < 3; i++) expect((await c.patch(PATCH_PATH(FIRST_ID), body)).status).toBe(200);
		clock += 4_000;
		const limited = await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body);
		expect([limited.status, limited.data.code, limited.data.msg]).toEqual([429, 99991400, 'request trigger frequency limit']);
		expect(limited.headers['x-ogw-ratelimit-limit']).toBe('3');
		expect(limited.headers['x-ogw-ratelimit-reset']).toBe('6');
		// Reads have their own (here: no) limit.
		expect((await c.get(GRADES)).status).toBe(200);
		expect((await c.patch(PATCH_PATH(FIRST_ID), body)).status).toBe(429);
		clock += 6_000;
		// The two rejected calls at +4 s are still inside the window but were not counted.
		for (let i = 0; i < 3; i++) expect((await c.patch(PATCH_PATH(FIRST_ID), body)).status).toBe(200);
		expect((await c.patch(PATCH_PATH(FIRST_ID), body)).status).toBe(429);
		expect(emu.rateLimited).toBe(3);
		expect(emu.applyCount(FIRST_ID)).toBe(6);
	});

	it('limits reads when configured', async () => {
		const e = await startEmulator({ readRateLimit: { limit: 1, windowMs: 60_000 } });
		try {
			const c = client(e.url);
			const headers = { Authorization: `Bearer ${await tokenFor(e, c)}` };
			expect((await c.post(`${SEARCH}?page_size=1`, {}, { headers })).status).toBe(200);
			const res = await c.get<FeishuBody>(GRADES, { headers });
			expect([res.status, res.data.code]).toEqual([429, 99991400]);
			expect(Number(res.headers['x-ogw-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
		} finally {
			await e.close();
		}
	});
});

describe('faults', () => {
	it('serverErrors, gatewayErrors, rateLimitBurst, respondWith each hit the next N API calls', async () => {
		const c = await authed();
		emu.faults.serverErrors(1, { status: 503 });
		emu.faults.gatewayErrors(1);
		emu.faults.rateLimitBurst(1, 7);
		emu.faults.respondWith(1, 400, { code: 99991401, msg: 'ip not in allow list' });
		const s = await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body);
		expect(s.status).toBe(503);
		expect(s.data.code).not.toBe(0);
		const g = await c.patch<string>(PATCH_PATH(FIRST_ID), body);
		expect(g.status).toBe(502);
		expect(g.headers['content-type']).toMatch(/text\/html/);
		expect(g.data).toContain('<html>');
		const r = await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body);
		expect([r.status, r.data.code, r.headers['x-ogw-ratelimit-reset']]).toEqual([429, 99991400, '7']);
		const canned = await c.patch<FeishuBody>(PATCH_PATH(FIRST_ID), body);
		expect([canned.status, canned.data.code]).toEqual([400, 99991401]);
		expect((await c.patch(PATCH_PATH(FIRST_ID), body)).status).toBe(200);
		expect(emu.faultsInjected).toBe(4);
		expect(emu.rateLimited).toBe(1);
		expect(emu.applyCount(FIRST_ID)).toBe(1);
	});

	it('faults skip the token endpoint unless matched explicitly', async () => {
		emu.faults.serverErrors(1);
		expect(await tokenFor()).toMatch(/^t-/);
		emu.faults.clear();
		emu.faults.serverErrors(1, { match: { path: TOKEN_PATH } });
		const res = await api.post<FeishuBody>(TOKEN_PATH, { app_id: emu.defaultApp.appId, app_secret: emu.defaultApp.appSecret });
		expect(res.status).toBe(500);
	});

	it('dropConnections: without afterApply nothing lands; with it the write lands and a retry is deduplicated', async () => {
		const c = await authed();
		emu.faults.dropConnections(1);
		await expect(c.patch(PATCH_PATH(FIRST_ID), body)).rejects.toThrow();
		expect(emu.applyCount(FIRST_ID)).toBe(0);

		emu.faults.dropConnections(1, { afterApply: true });
		const url = `${PATCH_PATH(FIRST_ID)}?client_token=retry-1`;
		await expect(c.patch(url, body)).rejects.toThrow();
		expect(emu.applyCount(FIRST_ID)).toBe(1);
		const retry = await c.patch<FeishuBody>(url, body);
		expect(retry.data.code).toBe(0);
		expect(emu.applyCount(FIRST_ID)).toBe(1);
	});

	it('slowResponses outlast the client timeout; afterApply applies first', async () => {
		const c = await authed();
		emu.faults.slowResponses(1, 400, { afterApply: true });
		await expect(c.patch(`${PATCH_PATH(FIRST_ID)}?client_token=slow-1`, body, { timeout: 100 })).rejects.toThrow(/timeout/);
		expect(emu.applyCount(FIRST_ID)).toBe(1);
		const retry = await c.patch<FeishuBody>(`${PATCH_PATH(FIRST_ID)}?client_token=slow-1`, body);
		expect(retry.data.code).toBe(0);
		expect(emu.applyCount(FIRST_ID)).toBe(1);
	});

	it('gatewayErrors every N: an HTML 503 page on every Nth matching request, N times in all; the others pass to the next fault', async () => {
		const c = await authed();
		emu.faults.gatewayErrors(2, { status: 503, every: 3 });
		emu.faults.serverErrors(1, { status: 500 });
		const answers: AxiosResponse<unknown>[] = [];
		for (let i = 0; i < 8; i++) answers.push(await c.patch(PATCH_PATH(FIRST_ID), body));
		// The periodic fault counts the request the server error answered too; the token call is not counted.
		expect(answers.map((a) => a.status)).toEqual([500, 200, 503, 200, 200, 503, 200, 200]);
		expect(answers[2].headers['content-type']).toMatch(/text\/html/);
		expect(answers[2].data).toContain('<title>503 Service Temporarily Unavailable</title>');
		expect(emu.requests.filter((r) => r.fault === 'gatewayError').map((r) => r.status)).toEqual([503, 503]);
		expect(emu.faults.pending()).toEqual([]);
		expect(emu.faultsInjected).toBe(3);
		// Unchanged without options: the next request gets the 502 page.
		emu.faults.gatewayErrors(1);
		expect((await c.patch(PATCH_PATH(FIRST_ID), body)).status).toBe(502);
	});

	it('gatewayErrors every N and expireTokensOn from the admin JSON form: tokens expire as the Nth matching request arrives', async () => {
		const c = await authed();
		const set = await api.post<{ faults: { kind: string; every?: number }[] }>('/__emulator/faults', [
			{ gatewayErrors: { n: 1, status: 503, every: 2, match: { method: 'PATCH' } } },
			{ expireTokensOn: { n: 1, every: 3, match: { method: 'PATCH' } } },
		]);
		expect(set.status).toBe(200);
		expect(set.data.faults.map((f) => [f.kind, f.every])).toEqual([['gatewayError', 2], ['expireTokens', 3]]);
		// A read is counted by neither (match: PATCH); the 3rd PATCH meets an expired token.
		expect((await c.get<FeishuBody>(GRADES)).data.code).toBe(0);
		const codes: unknown[] = [];
		for (let i = 0; i < 4; i++) {
			const res = await c.patch<FeishuBody | string>(PATCH_PATH(FIRST_ID), body);
			codes.push(typeof res.data === 'string' ? res.status : res.data.code);
		}
		expect(codes).toEqual([0, 503, 99991663, 99991663]);
		expect(emu.faults.pending()).toEqual([]);
		expect(emu.applyCount(FIRST_ID)).toBe(1);
		expect((await api.post('/__emulator/faults', { gatewayErrors: { n: 1, every: 0 } })).status).toBe(400);
	});

	it('latencyMs delays every answer', async () => {
		emu.setLatency(120);
		const started = Date.now();
		await tokenFor();
		expect(Date.now() - started).toBeGreaterThanOrEqual(100);
	});
});

describe('admin API', () => {
	it('exposes state, faults, config, expire-tokens and reset over HTTP', async () => {
		const c = await authed();
		const state = await api.get<{ assessments: { assessment_id: string }[]; counters: { tokenExchanges: number } }>('/__emulator/state');
		expect(state.data.assessments[0].assessment_id).toBe(FIRST_ID);
		expect(state.data.counters.tokenExchanges).toBe(1);

		expect((await api.post('/__emulator/faults', { serverErrors: { n: 1, status: 500 } })).status).toBe(200);
		expect((await c.patch(PATCH_PATH(FIRST_ID), body)).status).toBe(500);
		expect((await api.post('/__emulator/faults', { bogus: { n: 1 } })).status).toBe(400);

		await api.post('/__emulator/config', { writeRateLimit: { limit: 1, windowMs: 60_000 }, tokenLifetimeSeconds: 600 });
		expect((await c.patch(PATCH_PATH(FIRST_ID), body)).status).toBe(200);
		expect((await c.patch(PATCH_PATH(FIRST_ID), body)).status).toBe(429);

		const viaFaults = await api.post('/__emulator/faults', [{ clear: true }, { expireAllTokens: true }]);
		expect(viaFaults.status).toBe(200);
		expect((await c.get<FeishuBody>(GRADES)).data.code).toBe(99991663);
		await tokenFor();
		await api.post('/__emulator/expire-tokens');
		expect((await c.get<FeishuBody>(GRADES)).data.code).toBe(99991663);
		const fresh = await api.post<FeishuBody>(TOKEN_PATH, { app_id: emu.defaultApp.appId, app_secret: emu.defaultApp.appSecret });
		expect(fresh.data.expire).toBe(600);

		await api.post('/__emulator/reset', {});
		const after = await api.get<{ counters: { tokenExchanges: number; rateLimited: number } }>('/__emulator/state');
		expect(after.data.counters).toMatchObject({ tokenExchanges: 0, rateLimited: 0 });
		expect(emu.requests).toHaveLength(0); // admin calls are not logged
	});
});

describe('lifecycle', () => {
	it('logRequests false keeps no log; close() ends open keep-alive sockets', async () => {
		const e = await startEmulator({ logRequests: false });
		const agent = new http.Agent({ keepAlive: true });
		const c = axios.create({ baseURL: e.url, httpAgent: agent, validateStatus: () => true, proxy: false });
		const res: AxiosResponse<FeishuBody> = await c.post(TOKEN_PATH, { app_id: e.defaultApp.appId, app_secret: e.defaultApp.appSecret });
		expect(res.data.code).toBe(0);
		expect(e.requests).toHaveLength(0);
		expect(e.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		const started = Date.now();
		await e.close();
		expect(Date.now() - started).toBeLessThan(1000);
		agent.destroy();
	});

	it('refuses non-loopback hosts', async () => {
		await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
	});
});
