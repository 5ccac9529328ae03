/**
 * Issue 19's mixed faults in a real n8n: 200 rows → a new Feishu CoreHR node (its current version,
 * Update by assessment ID) with every option as the editor starts it — Requests in Parallel 50, Max
 * Retries 3, Timeout 30 s, Rate-Limit Wait 180 s, pacing at Feishu's 100 writes per minute — and
 * On Error: Continue, so that a row lost to a fault shows as an error item instead of stopping
 * the run. That takes about 2.5 minutes per n8n version; N8N_E2E_FAULT_MIX_UNPACED=1 turns pacing
 * off (Max Requests per Minute 0) for a run of seconds, where the server's 25 writes per second
 * is the limit the run meets.
 *
 * The emulator is set up through its admin API only (`/__emulator/…`), as for an emulator in
 * another process: three dropped connections on the token call, a gateway 503 page on every 9th
 * API request (20 in all), three connections reset after the write was applied, six forced 429s,
 * every token expiring as the 100th PATCH arrives, and 25 writes per second.
 *
 * Pass: the execution succeeds, 200 items in row order and none an error, each row written
 * exactly once with its values, one token exchange plus one after the expiry, every fault met, no
 * secret in n8n's output. The figure line reports what happened either way.
 */
import type { Emulator } from '../../dev/emulator/types';
import type { AssessmentRecord, FaultSpec, RequestLogEntry } from '../../dev/emulator/types';
import { CUSTOM_TYPE_PREFIX, FEISHU_NODE_VERSION, emulatorCredential } from '../../dev/n8n/examples';
import { buildWorkflow, manualTrigger, nodeItems, summarizeRun, type CommandResult, type N8nInstance } from '../../dev/n8n/runner';
import { updateParameters } from '../helpers/updateParameters';
import type { RunScenario, Scenario } from './scenario';

export const FAULT_MIX_SCENARIO = 'fault mix (issue 19): 200 rows at a new node\'s defaults (50 in parallel) under mixed faults: each written once, no error item';

const ROWS = 200;
const WORKFLOW_ID = 'feishuFaultMix';
const NODE = 'Update assessment in Feishu';
/** A credential of its own, imported just before the run: no token stored, so the run's first request exchanges one. */
const CREDENTIAL = { id: 'feishuFaultMixCr', name: 'Feishu CoreHR (fault mix)' };
const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const ASSESSMENT_PATH = '/open-apis/corehr/v2/probation/assessments/';
const TOKEN_EXPIRED = 99991663;

/** Rows 16, 46, … get a forced 429; rows 31, 91, 151 lose their answer after the write was applied (0-based indexes). */
const FORCED_429_ROWS = [15, 45, 75, 105, 135, 165];
const RESET_AFTER_APPLY_ROWS = [30, 90, 150];
const GATEWAY_503 = { n: 20, every: 9 };

interface Row {
	id: string;
	status: string;
	final: string;
	result: string;
	score: number;
	comment: string;
}

function rowsFor(ids: string[]): Row[] {
	return ids.map((id, i) => ({
		id,
		status: ['completed', 'in_process', 'no_need', 'not_started'][i % 4],
		final: i % 2 === 0 ? 'true' : 'false',
		result: i % 3 === 0 ? 'rejected' : 'approved',
		score: (i % 100) + 0.5,
		comment: `e2e fault mix row ${i}`,
	}));
}

/** What Feishu must hold for a row once it is written. */
function expectedRecord(row: Row): Partial<AssessmentRecord> {
	return {
		assessment_status: row.status as AssessmentRecord['assessment_status'],
		is_final_asssessment: row.final === 'true',
		assessment_result: row.result as AssessmentRecord['assessment_result'],
		assessment_score: row.score,
		assessment_comment: row.comment,
	};
}

/** Every option at its default, pacing (100 writes per minute) included, unless N8N_E2E_FAULT_MIX_UNPACED=1. */
const PACED = process.env.N8N_E2E_FAULT_MIX_UNPACED !== '1';

/** Start → Rows (raw JSON) → Split Out → the Feishu node at its current version, options untouched but pacing. */
function faultMixWorkflow(rows: Row[]): object {
	return buildWorkflow({
		id: WORKFLOW_ID,
		name: 'Fault mix: 200 rows at the defaults',
		nodes: [
			manualTrigger(),
			{ name: 'Rows', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows }), options: {} } },
			{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'rows', options: {} } },
			{
				name: NODE,
				type: `${CUSTOM_TYPE_PREFIX}feishuCoreHr`,
				typeVersion: FEISHU_NODE_VERSION,
				parameters: updateParameters(PACED ? {} : { maxRequestsPerMinute: 0 }),
				credentials: { feishuCoreHrApi: CREDENTIAL },
				onError: 'continueRegularOutput',
			},
		],
	});
}

/** The emulator's admin API, as another process reaches it. */
class Admin {
	constructor(private readonly url: string) {}

	async call<T>(method: 'GET' | 'POST', name: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.url}/__emulator/${name}`, {
			method,
			...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
		});
		const answer = (await res.json()) as T & { ok?: boolean; error?: string };
		if (!res.ok || answer.ok !== true) throw new Error(`emulator admin ${method} ${name}: HTTP ${res.status} ${answer.error ?? ''}`);
		return answer;
	}
}

interface State {
	assessments: AssessmentRecord[];
	counters: { tokenExchanges: number; rateLimited: number; applyCounts: Record<string, number> };
	issuedTokens: string[];
	faults: FaultSpec[];
}

const code = (r: RequestLogEntry): unknown => (r.responseBody as { code?: unknown } | undefined)?.code;
const idOf = (r: RequestLogEntry): string => r.path.slice(ASSESSMENT_PATH.length);

function dump(res: CommandResult): string {
	return `exit ${res.exitCode}\n--- stdout (tail)\n${res.stdout.slice(-2500)}\n--- stderr (tail)\n${res.stderr.slice(-2500)}`;
}

/**
 * Runs the scenario in `n8n` (the package loaded as a custom extension). `emulator` gives only its
 * URL and app: everything else goes through the admin API.
 */
export async function faultMixScenario(n8n: N8nInstance, emulator: Pick<Emulator, 'url' | 'defaultApp'>, scenario: RunScenario): Promise<void> {
	await scenario(FAULT_MIX_SCENARIO, async (s: Scenario) => {
		const admin = new Admin(emulator.url);
		await admin.call('POST', 'reset', {});
		const { assessmentIds: ids } = await admin.call<{ assessmentIds: string[] }>('POST', 'seed-assessments', { n: ROWS });
		const rows = rowsFor(ids);
		await n8n.importCredentials([emulatorCredential(emulator.url, emulator.defaultApp, CREDENTIAL)]);
		const imported = await n8n.importWorkflows([faultMixWorkflow(rows)]);
		s.check(
			imported.exitCode === 0,
			`workflow imported: Start → ${ROWS} rows → Split Out → ${NODE} (version ${FEISHU_NODE_VERSION}, options at their defaults${PACED ? '' : ' but Max Requests per Minute 0'}, On Error: Continue)`,
		);

		await admin.call('POST', 'config', { writeRateLimit: { limit: 25, windowMs: 1_000 } });
		const only = (row: number) => ({ match: { path: ids[row] } });
		await admin.call('POST', 'faults', [
			// First in the queue, so it sees every API request (it counts those other faults answer too).
			{ gatewayErrors: { n: GATEWAY_503.n, status: 503, every: GATEWAY_503.every } },
			{ dropConnections: { n: 3, match: { path: TOKEN_PATH } } },
			...RESET_AFTER_APPLY_ROWS.map((row) => ({ dropConnections: { n: 1, afterApply: true, ...only(row) } })),
			...FORCED_429_ROWS.map((row) => ({ rateLimitBurst: { n: 1, resetSeconds: 1, ...only(row) } })),
			{ expireTokensOn: { n: 1, every: 100, match: { method: 'PATCH' } } },
		]);

		const started = Date.now();
		const res = await n8n.execute(WORKFLOW_ID, { timeoutMs: PACED ? 480_000 : 180_000 });
		const ms = Date.now() - started;
		console.log(`     ran n8n execute --id=${WORKFLOW_ID} (${(ms / 1000).toFixed(1)} s, exit ${res.exitCode})`);

		const state = await admin.call<State>('GET', 'state?probations=0&employments=0');
		const { requests } = await admin.call<{ requests: RequestLogEntry[] }>('GET', 'requests');
		const records = new Map(state.assessments.map((a) => [a.assessment_id, a]));
		const applies = (id: string) => state.counters.applyCounts[id] ?? 0;
		const items = nodeItems(res.run, NODE);
		const errorItems = items.map((item, i) => ({ i, error: item.json.error })).filter((e) => e.error !== undefined);
		const written = ids.filter((id) => applies(id) === 1).length;
		const twice = ids.filter((id) => applies(id) > 1);
		const tokenCalls = requests.filter((r) => r.path === TOKEN_PATH);
		const replays = requests.filter((r) => r.deduplicated);
		const gatewayPages = requests.filter((r) => r.fault === 'gatewayError' && r.status === 503);
		const refusedTokens = requests.filter((r) => code(r) === TOKEN_EXPIRED);

		s.figure(
			`fault mix${PACED ? ' (paced 100/min)' : ''}`,
			`written ${written}/${ROWS}, error items ${errorItems.length}, token exchanges ${state.counters.tokenExchanges} ` +
				`(${tokenCalls.length} token calls, ${tokenCalls.filter((r) => r.status === null).length} dropped), ` +
				`429s answered ${state.counters.rateLimited}, dedup replays ${replays.length}, 503 pages ${gatewayPages.length}, ` +
				`99991663 refusals ${refusedTokens.length}, run ${(ms / 1000).toFixed(1)} s`,
		);
		if (errorItems.length > 0) {
			s.figure('error items', errorItems.slice(0, 12).map((e) => `#${e.i}: ${String(e.error).slice(0, 240)}`).join('\n          '));
		}

		const summary = summarizeRun(res.run);
		s.check(res.exitCode === 0 && summary.error === undefined, 'the execution succeeds (exit 0, no run error)', () => `${summary.error?.message ?? ''}\n${dump(res)}`);
		s.check(items.length === ROWS, `one output item per row (${items.length}/${ROWS})`);
		const unpaired = items.filter((item, i) => (item.pairedItem as { item?: unknown } | undefined)?.item !== i);
		s.check(items.length > 0 && unpaired.length === 0, 'item N comes out N-th, paired with row N');
		s.check(errorItems.length === 0, `no error item (${errorItems.length})`, () => errorItems.map((e) => `#${e.i}: ${String(e.error)}`).join('\n'));
		const notUpdated = items.filter((item, i) => item.json.updated !== true || item.json.assessmentId !== ids[i]).length;
		s.check(notUpdated === 0, `every item says its own assessment was updated (${ROWS - notUpdated}/${ROWS})`);
		s.check(written === ROWS && twice.length === 0, `each of the ${ROWS} rows written exactly once in Feishu (${written}/${ROWS}, ${twice.length} twice)`, () =>
			ids.map((id, i) => [i, applies(id)]).filter(([, n]) => n !== 1).map(([i, n]) => `row ${i}: applied ${n}`).join('\n'),
		);
		const wrongValues = rows.filter((row) => {
			const rec = records.get(row.id);
			return !rec || Object.entries(expectedRecord(row)).some(([k, v]) => rec[k as keyof AssessmentRecord] !== v);
		});
		s.check(wrongValues.length === 0, 'each record holds its row\'s values', () => wrongValues.slice(0, 5).map((r) => `${r.comment}: ${JSON.stringify(records.get(r.id))}`).join('\n'));
		s.check(
			state.counters.tokenExchanges === 2 && tokenCalls.map((r) => r.status).join(',') === ',,,200,200',
			`one token exchange at a time: 3 dropped, 1 answered, 1 after the expiry (${tokenCalls.map((r) => r.status ?? 'dropped').join(', ')})`,
		);
		const firstToken = requests.indexOf(tokenCalls[3] ?? tokenCalls[tokenCalls.length - 1]);
		s.check(requests.slice(0, firstToken).every((r) => r.method !== 'PATCH'), 'no PATCH went out before the first token existed');
		s.check(state.faults.length === 0, 'every fault was met (none pending)', () => JSON.stringify(state.faults));
		s.check(gatewayPages.length === GATEWAY_503.n && refusedTokens.length > 0, `${gatewayPages.length} gateway 503 pages and ${refusedTokens.length} refusals of the expired token were answered`);
		const resetIds = RESET_AFTER_APPLY_ROWS.map((row) => ids[row]);
		s.check(replays.every((r) => resetIds.includes(idOf(r))), 'only writes whose answer was lost were replayed from their client token', () =>
			replays.map((r) => r.path).join('\n'),
		);
		const text = `${res.stdout}\n${res.stderr}`;
		const leaked = [emulator.defaultApp.appSecret, ...state.issuedTokens].filter((secret) => secret !== '' && text.includes(secret));
		s.check(leaked.length === 0, 'no App Secret or tenant token in n8n\'s output');
		await admin.call('POST', 'reset', {});
	});
}
