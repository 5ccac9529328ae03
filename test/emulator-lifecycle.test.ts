/**
 * The emulator's submit, withdraw, edit and enable/disable endpoints over HTTP: the validation the
 * docs describe, the state changes, scopes, client tokens and the write limit — including what the
 * node never sends (it refuses those rows first), so the emulator is right on its own.
 */
import axios from 'axios';
import type { AxiosInstance } from 'axios';

import type { Emulator, SeedData } from '../dev/emulator';
import { startEmulator, TOKEN_PATH, userIds } from '../dev/emulator';

const P = '/open-apis/corehr/v2/probation';

interface FeishuBody {
	code: number;
	msg: string;
	data?: Record<string, unknown>;
	error?: { field_violations?: { field: string; value: string; description: string }[]; permission_violations?: { scope: string }[] };
}

const EMPLOYMENT = '7140964208476371111';
const OTHER = '7140964208476379030';
const SEED: SeedData = {
	employments: [
		{
			employment_id: EMPLOYMENT,
			probation_start_date: '2026-09-01',
			probation_expected_end_date: '2026-12-01',
			assessments: [{ assessment_status: 'completed', assessment_result: 'approved', is_final_asssessment: true }],
		},
		{ employment_id: OTHER, probation_start_date: '2026-06-01', probation_expected_end_date: '2026-09-01', probation_status: 'converted' },
	],
};
const LIMITED_APP = { appId: 'cli_lifecyclelimited01', appSecret: 'lifecycle-limited-secret-3f7a', missingScopes: ['corehr:probation:write', 'corehr:probation.probation_outcome:read', 'corehr:probation.probation_outcome:write', 'corehr:probation.notes:read', 'corehr:probation.notes:write'] };

// 2026-11-24, between the probation's start and its expected end.
const clock = Date.UTC(2026, 10, 24, 9);
let emu: Emulator;

function client(token?: string): AxiosInstance {
	return axios.create({
		baseURL: emu.url,
		validateStatus: () => true,
		proxy: false,
		headers: token ? { Authorization: `Bearer ${token}` } : {},
	});
}

async function as(app: { appId: string; appSecret: string } = emu.defaultApp): Promise<AxiosInstance> {
	const res = await client().post<{ tenant_access_token: string }>(TOKEN_PATH, { app_id: app.appId, app_secret: app.appSecret });
	return client(res.data.tenant_access_token);
}

const violations = (body: FeishuBody) => (body.error?.field_violations ?? []).map((v) => `${v.field}: ${v.description}`);
const probation = () => emu.probations.get(EMPLOYMENT)!;

beforeAll(async () => {
	emu = await startEmulator({ seed: SEED, now: () => clock, apps: [{ appId: 'cli_a1b2c3d4e5f6a7b8', appSecret: 'emulator-app-secret-0123456789abcdef' }, LIMITED_APP] });
});
afterAll(async () => await emu.close());
beforeEach(() => emu.reset());

describe('probation/submit', () => {
	it('names every missing or malformed field at once, as Feishu does, and changes nothing', async () => {
		const api = await as();
		const res = await api.post<FeishuBody>(`${P}/submit`, { conversion_mode: '1', submission_type: 'manager', actual_probation_end_date: '2026-11-31', custom_fields: [] });
		expect(res.status).toBe(400);
		expect(res.data.code).toBe(99992402);
		expect(violations(res.data)).toEqual([
			'employment_id: employment_id is required (string)',
			'conversion_mode: must be the integer 1 (convert directly) or 2 (start the conversion process)',
			'submission_type: must be one of hr_submission, self_submission, system',
			'actual_probation_end_date: must be a date as YYYY-MM-DD',
			'custom_fields: custom_fields are not modelled by the emulator',
		]);
		expect(probation().probation_status).toBe('waiting');
	});

	it('requires notes to convert directly', async () => {
		const api = await as();
		const res = await api.post<FeishuBody>(`${P}/submit?user_id_type=people_corehr_id`, { employment_id: EMPLOYMENT, conversion_mode: 1, submission_type: 'hr_submission', notes: ' ' });
		expect(violations(res.data)).toEqual(['notes: notes is required when conversion_mode is 1 (convert directly)']);
	});

	it('keeps the actual end date between the probation start and its expected end', async () => {
		const api = await as();
		const res = await api.post<FeishuBody>(`${P}/submit?user_id_type=people_corehr_id`, {
			employment_id: EMPLOYMENT, conversion_mode: 2, submission_type: 'system', actual_probation_end_date: '2026-12-02',
		});
		expect(violations(res.data)).toEqual(['actual_probation_end_date: must be from the probation start 2026-09-01 to its expected end 2026-12-01']);
	});

	it('approves a direct conversion whose end date is still ahead, and converts one whose date has come', async () => {
		const api = await as();
		const ahead = await api.post<FeishuBody>(`${P}/submit?user_id_type=people_corehr_id`, {
			employment_id: EMPLOYMENT, conversion_mode: 1, submission_type: 'hr_submission', notes: 'early', actual_probation_end_date: '2026-11-30',
		});
		expect(ahead.data.code).toBe(0);
		expect(probation()).toMatchObject({ probation_status: 'approved', initiating_time: '2026-11-24', initiator_id: '', converted_via_bpm: false });
		expect(probation()).not.toHaveProperty('process_id');

		emu.reset(); // tokens too
		const due = await (await as()).post<FeishuBody>(`${P}/submit?user_id_type=people_corehr_id`, {
			employment_id: EMPLOYMENT, conversion_mode: 1, submission_type: 'self_submission', notes: 'done', actual_probation_end_date: '2026-11-24',
		});
		expect(due.data.code).toBe(0);
		expect(probation()).toMatchObject({ probation_status: 'converted', initiator_id: EMPLOYMENT, notes: 'done' });
	});

	it('answers probation_info in the request\'s ID type, without assessments[] or outcome fields', async () => {
		const api = await as();
		const ids = userIds(EMPLOYMENT);
		const res = await api.post<FeishuBody>(`${P}/submit?user_id_type=union_id`, { employment_id: ids.union_id, conversion_mode: 2, submission_type: 'self_submission' });
		const info = res.data.data?.probation_info as Record<string, unknown>;
		expect(info).toMatchObject({
			employment_id: ids.union_id,
			initiator_id: ids.union_id,
			probation_status: { enum_name: 'pending' },
			submission_type: { enum_name: 'self_submission' },
			final_assessment_status: { enum_name: 'completed' },
		});
		expect(info).not.toHaveProperty('assessments');
		expect(info).not.toHaveProperty('probation_outcome');
	});

	it('refuses an unknown initiator, and a probation that is not waiting', async () => {
		const api = await as();
		const unknown = await api.post<FeishuBody>(`${P}/submit?user_id_type=people_corehr_id`, { employment_id: EMPLOYMENT, conversion_mode: 2, submission_type: 'hr_submission', initiator_id: '7140964208476370000' });
		expect(unknown.data.code).toBe(1162010);
		const converted = await api.post<FeishuBody>(`${P}/submit?user_id_type=people_corehr_id`, { employment_id: OTHER, conversion_mode: 2, submission_type: 'hr_submission' });
		expect(violations(converted.data)).toEqual(['employment_id: the probation is converted: a conversion can be submitted for only a probation that is waiting or rejected']);
	});

	it('answers a repeated client_token as the first time, applying once', async () => {
		const api = await as();
		const request = { employment_id: EMPLOYMENT, conversion_mode: 2, submission_type: 'hr_submission' };
		const first = await api.post<FeishuBody>(`${P}/submit?user_id_type=people_corehr_id&client_token=t1`, request);
		const again = await api.post<FeishuBody>(`${P}/submit?user_id_type=people_corehr_id&client_token=t1`, request);
		expect(again.data).toEqual(first.data);
		expect(emu.applyCount(probation().probation_id)).toBe(1);
		expect(emu.requests[emu.requests.length - 1].deduplicated).toBe(true);
	});
});

describe('probation/withdraw', () => {
	it('takes a pending conversion back to waiting, and refuses anything else', async () => {
		const api = await as();
		const refused = await api.post<FeishuBody>(`${P}/withdraw?user_id_type=people_corehr_id`, { employment_id: EMPLOYMENT });
		expect(violations(refused.data)).toEqual(['employment_id: the probation is waiting: a conversion can be withdrawn for only a probation that is pending']);
		await api.post(`${P}/submit?user_id_type=people_corehr_id`, { employment_id: EMPLOYMENT, conversion_mode: 2, submission_type: 'hr_submission' });
		const ok = await api.post<FeishuBody>(`${P}/withdraw?user_id_type=people_corehr_id`, { employment_id: EMPLOYMENT });
		expect(ok.data).toEqual({ code: 0, msg: 'success', data: {} });
		expect(probation().probation_status).toBe('waiting');
		expect(probation()).not.toHaveProperty('actual_probation_end_date');
		const empty = await api.post<FeishuBody>(`${P}/withdraw`, {});
		expect(violations(empty.data)).toEqual(['employment_id: employment_id is required (string)']);
	});
});

describe('probation/edit', () => {
	it('checks types, enums and the 1–500 extension, and refuses an expected end before the start', async () => {
		const api = await as();
		const bad = await api.post<FeishuBody>(`${P}/edit?user_id_type=people_corehr_id`, {
			employment_id: EMPLOYMENT,
			probation_outcome: 'extended',
			extended_probation_period_duration: 2.5,
			extended_probation_period_unit: 'year',
			probation_start_date: '2026/09/01',
			notes: 3,
		});
		expect(violations(bad.data)).toEqual([
			'probation_start_date: must be a date as YYYY-MM-DD',
			'probation_outcome: must be one of passed, failed, delayed',
			'extended_probation_period_duration: must be an integer from 1 to 500',
			'extended_probation_period_unit: must be one of day, week, month',
			'notes: must be a string',
		]);
		const backwards = await api.post<FeishuBody>(`${P}/edit?user_id_type=people_corehr_id`, { employment_id: EMPLOYMENT, probation_expected_end_date: '2026-08-01' });
		expect(violations(backwards.data)).toEqual(['probation_expected_end_date: must not be before the probation start 2026-09-01']);
		expect(emu.applyCount(probation().probation_id)).toBe(0);
	});

	it('takes no client token: the same token applies twice', async () => {
		const api = await as();
		for (const n of [1, 2]) {
			const res = await api.post<FeishuBody>(`${P}/edit?user_id_type=people_corehr_id&client_token=same`, { employment_id: EMPLOYMENT, extended_probation_period_duration: n, extended_probation_period_unit: 'week' });
			expect(res.data.code).toBe(0);
		}
		expect(probation().extended_probation_period_duration).toBe(2);
		expect(emu.applyCount(probation().probation_id)).toBe(2);
	});

	it('shows outcome and notes in search only to an app with their field scopes', async () => {
		const api = await as();
		await api.post(`${P}/edit?user_id_type=people_corehr_id`, { employment_id: EMPLOYMENT, probation_outcome: 'delayed', notes: 'more time' });
		const full = await api.post<FeishuBody>(`${P}/search?page_size=10&user_id_type=people_corehr_id`, { employment_ids: [EMPLOYMENT] });
		expect((full.data.data?.items as Record<string, unknown>[])[0]).toMatchObject({ probation_outcome: { enum_name: 'delayed' }, notes: 'more time' });
		const limited = await (await as(LIMITED_APP)).post<FeishuBody>(`${P}/search?page_size=10&user_id_type=people_corehr_id`, { employment_ids: [EMPLOYMENT] });
		const item = (limited.data.data?.items as Record<string, unknown>[])[0];
		expect(item).not.toHaveProperty('probation_outcome');
		expect(item).not.toHaveProperty('notes');
		expect(item).toHaveProperty('assessments');
	});
});

describe('probation/enable_disable_assessment', () => {
	it('needs active, and an http(s) app_url to enable; 1161025 when the feature already is as asked', async () => {
		const api = await as();
		const missing = await api.post<FeishuBody>(`${P}/enable_disable_assessment`, { app_url: 'https://x.example.com' });
		expect(violations(missing.data)).toEqual(['active: active is required']);
		const noUrl = await api.post<FeishuBody>(`${P}/enable_disable_assessment`, { active: true });
		expect(violations(noUrl.data)).toEqual(['app_url: app_url is required when active is true']);
		const already = await api.post<FeishuBody>(`${P}/enable_disable_assessment`, { active: true, app_url: 'https://x.example.com' });
		expect([already.status, already.data.code, already.data.msg]).toEqual([400, 1161025, 'Do not repeatedly turn on/off the function']);
		const off = await api.post<FeishuBody>(`${P}/enable_disable_assessment`, { active: false });
		expect(off.data.code).toBe(0);
		expect(emu.assessmentFeature.active).toBe(false);
		const again = await api.post<FeishuBody>(`${P}/enable_disable_assessment?client_token=ignored`, { active: false });
		expect(again.data.code).toBe(1161025);
	});

	it('counts against the write limit, and needs corehr:probation.assessment:write only', async () => {
		emu.setWriteRateLimit(1);
		const api = await as();
		expect((await api.post<FeishuBody>(`${P}/enable_disable_assessment`, { active: false })).data.code).toBe(0);
		const limited = await api.post<FeishuBody>(`${P}/enable_disable_assessment`, { active: true, app_url: 'https://x.example.com' });
		expect([limited.status, limited.data.code]).toEqual([429, 99991400]);
		emu.setWriteRateLimit(null);
		// LIMITED_APP lacks corehr:probation:write: submit is refused, the switch is not.
		const other = await as(LIMITED_APP);
		const submit = await other.post<FeishuBody>(`${P}/submit`, { employment_id: EMPLOYMENT, conversion_mode: 2, submission_type: 'system' });
		expect(submit.data.code).toBe(99991672);
		expect(submit.data.error?.permission_violations?.map((v) => v.scope)).toEqual(['corehr:probation:write']);
		expect((await other.post<FeishuBody>(`${P}/enable_disable_assessment`, { active: true, app_url: 'https://x.example.com' })).data.code).toBe(0);
		expect(emu.counters().calls).toMatchObject({ enableDisableAssessment: 3, submit: 1 });
	});
});
