/**
 * Several requests in flight ("Requests in Parallel"), through n8n-core's execution against the
 * emulator over loopback: order and pairing, On Error → Stop, one token exchange, one shared pause
 * on a 429, exactly-once under lost answers, cancellation, and client tokens that survive n8n's
 * Retry of a failed or crashed execution.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator, RequestLogEntry } from '../../dev/emulator';
import { TOKEN_PATH } from '../../dev/emulator';
import type { MemoryCredentialsHelper, NodeSpec } from '../../dev/harness/n8nCore';
import { FEISHU_NODE_TYPE, retryOf, runFeishu, runStored, storedStart } from '../../dev/harness/n8nCore';
import { withEmulator } from '../helpers/emulatorFixture';
import { allPatches, checkOutcome, onRequest, patchesFor, rowsFor, snapshot, timedRun, updateParameters } from '../helpers/updateRun';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;

withEmulator((e, c) => {
	emulator = e;
	credentials = c;
}, 20);

const only = (id: string) => ({ match: { path: id } });
const parallel = (n: number, more: IDataObject = {}) => updateParameters({ maxRequestsPerMinute: 0, requestsInParallel: n, ...more });
const CREATES = (entry: RequestLogEntry) => entry.method === 'POST' && entry.path.endsWith('/probation/assessments');
/** The item numbers an On Error → Stop message names as "still went through". */
const throughOf = (message: string | undefined) => (/still went through: ([\d, ]+)\./.exec(message ?? '')?.[1] ?? '').split(', ').filter(Boolean).map(Number);

describe('several requests in flight: the output is what one at a time gives', () => {
	it('keeps order and pairing with slow answers, Feishu refusals and bad rows mixed in', async () => {
		const ids = emulator.seedAssessments(30);
		const rows = rowsFor(ids, 'order');
		// Feishu refuses rows 5 and 17 (no such assessment); rows 9 and 22 are refused before sending.
		rows[5] = { ...rows[5], id: '7140964208476300005' };
		rows[17] = { ...rows[17], id: '7140964208476300017' };
		rows[9] = { ...rows[9], status: 'finished' };
		rows[22] = { ...rows[22], score: 'ninety' };
		const before = snapshot(emulator, rows.map((r) => String(r.id)));
		emulator.faults.slowResponses(1, 600, only(ids[0]));
		emulator.faults.slowResponses(1, 400, only(ids[12]));

		const run = await timedRun(credentials, rows, parallel(4), { continueOnFail: true });
		const outcome = checkOutcome(emulator, rows, run, before);
		expect([...outcome.failed.keys()]).toEqual([5, 9, 17, 22]);
		expect(outcome.failed.get(9)).toMatch(/Nothing was sent to Feishu for this item/);
		expect(outcome.failed.get(5)).toMatch(/code 1162010/);
		// Several were in flight: row 2's request reached Feishu while row 1's answer was held.
		const [first] = patchesFor(emulator, ids[0]);
		const [second] = patchesFor(emulator, ids[1]);
		expect(second.time).toBeLessThan(first.time + 600);
	});

	it('On Error → Stop: requests already in flight finish, none starts after, the first failure in item order is thrown', async () => {
		const ids = emulator.seedAssessments(12);
		const rows = rowsFor(ids, 'stop');
		rows[1] = { ...rows[1], id: '7140964208476300001' };
		// Rows 1, 3 and 4 are answered late, so they are all out when row 2's refusal comes back.
		for (const id of [ids[0], ids[2], ids[3]]) emulator.faults.slowResponses(1, 500, only(id));
		const run = await timedRun(credentials, rows, parallel(4));
		expect(run.error?.message).toMatch(/^Item 2 \(index 1\): Feishu refused the request.*code 1162010/);
		expect(run.error?.message).toMatch(/Items already in flight when this one failed still went through: 3, 4\./);
		const sent = allPatches(emulator).map((p) => p.path.split('/').pop());
		expect(new Set(sent)).toEqual(new Set([ids[0], rows[1].id, ids[2], ids[3]]));
		for (const id of [ids[0], ids[2], ids[3]]) expect(emulator.applyCount(id)).toBe(1);
		for (const id of ids.slice(4)) expect(emulator.applyCount(id)).toBe(0);
	});

	it('On Error → Stop: a row that retries for long lets at most Requests in Parallel − 1 later rows be written', async () => {
		const ids = emulator.seedAssessments(120);
		const rows = rowsFor(ids, 'long retry');
		// Row 1 meets four server errors: its retries take 3.5 s, then it fails.
		emulator.faults.serverErrors(4, { status: 500, ...only(ids[0]) });
		const run = await timedRun(credentials, rows, parallel(10));
		expect(run.error?.message).toMatch(/^Item 1 \(index 0\): /);
		const written = ids.filter((id) => emulator.applyCount(id) > 0);
		expect(written.length).toBeLessThanOrEqual(9);
		expect(written.length).toBeGreaterThan(0);
		expect(run.error?.message).toContain(`still went through: ${written.map((id) => ids.indexOf(id) + 1).join(', ')}.`);
	});

	it('On Error → Stop after a 429: of the rows waiting for one of the 4 places, none sends once an earlier row failed', async () => {
		const ids = emulator.seedAssessments(120);
		const rows = rowsFor(ids, 'stop after 429');
		rows[60] = { ...rows[60], id: '7140964208476300060' };
		emulator.setLatency(50);
		emulator.faults.rateLimitBurst(1, 1);
		const run = await timedRun(credentials, rows, parallel(50));
		expect(run.error?.message).toMatch(/^Item 61 \(index 60\): .*code 1162010/);
		// After the 429 at most 4 are on their way, row 61 among them: when its refusal is read, at
		// most 3 later rows are out. Every later row waiting for a place stays unsent, and the
		// message names exactly the later rows that were written.
		const later = ids.slice(61).flatMap((id, k) => (emulator.applyCount(id) > 0 ? [61 + k + 1] : []));
		expect(later.length).toBeLessThanOrEqual(3);
		expect(throughOf(run.error?.message).filter((n) => n > 61)).toEqual(later);
		for (const id of ids) expect(emulator.applyCount(id)).toBeLessThanOrEqual(1);
	});

	it('On Error → Stop with a rate-limited token exchange: the rows waiting for it spend nothing, go with its token, and a refusal among them stops the rest', async () => {
		const ids = emulator.seedAssessments(120);
		const rows = rowsFor(ids, 'stop token 429');
		rows[0] = { ...rows[0], id: '7140964208476300000' };
		emulator.setLatency(50);
		emulator.faults.rateLimitBurst(1, 2, { match: { path: TOKEN_PATH } });
		const run = await timedRun(credentials, rows, parallel(50, { maxRetries: 0 }));
		expect(run.error?.message).toMatch(/^Item 1 \(index 0\): .*code 1162010/);
		// One exchange, waited out once: no row spent a retry of its own (Max Retries 0).
		expect(emulator.requests.filter((r) => r.path === TOKEN_PATH).map((r) => r.status)).toEqual([429, 200]);
		// Rows 1–50 waited for the token and went with it. Row 51 may start only once row 1 has
		// finished — by failing, which stops the run: nothing after row 50 is ever sent, and the
		// message names exactly the later rows written.
		const written = ids.flatMap((id, i) => (emulator.applyCount(id) > 0 ? [i + 1] : []));
		expect(written.length).toBeGreaterThan(0);
		expect(throughOf(run.error?.message)).toEqual(written);
		expect(allPatches(emulator).filter((p) => ids.indexOf(p.path.split('/').pop() ?? '') >= 50)).toEqual([]);
	});

	it('writes two rows for the same assessment one after the other: the later row wins', async () => {
		const ids = emulator.seedAssessments(6);
		const rows = rowsFor([ids[0], ids[1], ids[0], ids[2], ids[0], ids[3]], 'same');
		emulator.setLatency(50);
		const run = await timedRun(credentials, rows, parallel(4));
		expect(run.error).toBeUndefined();
		expect(patchesFor(emulator, ids[0]).map((p) => (p.body as IDataObject).assessment_comment)).toEqual(['same row 0', 'same row 2', 'same row 4']);
		expect(emulator.assessments.get(ids[0])?.assessment_comment).toBe('same row 4');
	});
});

describe('the tenant token with several requests in flight', () => {
	it('is exchanged once for a fresh credential, however many requests start at once', async () => {
		const ids = emulator.seedAssessments(20);
		emulator.setLatency(50);
		const run = await timedRun(credentials, rowsFor(ids, 'fresh'), parallel(6));
		expect(run.error).toBeUndefined();
		expect(emulator.tokenExchanges).toBe(1);
		expect(credentials.preAuthenticationCalls).toBe(1);
	});

	it("waits out a 429 on the token exchange together: the waiting requests take its answer instead of each exchanging at once", async () => {
		const ids = emulator.seedAssessments(40);
		const rows = rowsFor(ids, 'token 429');
		const before = snapshot(emulator, ids);
		emulator.setLatency(50);
		emulator.faults.rateLimitBurst(1, 2, { match: { path: TOKEN_PATH } });
		const run = await timedRun(credentials, rows, parallel(30), { continueOnFail: true });
		checkOutcome(emulator, rows, run, before);
		const exchanges = emulator.requests.filter((r) => r.path === TOKEN_PATH);
		const limited = exchanges.find((r) => r.status === 429);
		// None while the reset runs (2 s from the 429), then one that gets the token.
		expect(exchanges.filter((r) => limited && r.time > limited.time && r.time < limited.time + 1_900)).toEqual([]);
		expect(exchanges.filter((r) => r.status === 200)).toHaveLength(1);
	});

	it('fails as soon as one exchange has used its retries when the token endpoint times out, however many requests wait for it', async () => {
		const ids = emulator.seedAssessments(20);
		emulator.faults.slowResponses(1_000, 1_500, { match: { path: TOKEN_PATH } });
		const run = await timedRun(credentials, rowsFor(ids, 'token timeout'), parallel(20, { timeoutSeconds: 0.5, maxRetries: 1 }));
		expect(run.error?.message).toMatch(/token/i);
		// Two rounds of 0.5 s and one 0.5 s back-off, not one exchange after the other for each of the 20.
		expect(run.ms).toBeLessThan(5_000);
		expect(emulator.requests.filter((r) => r.path === TOKEN_PATH).length).toBeLessThanOrEqual(4);
		expect(ids.filter((id) => emulator.applyCount(id) > 0)).toEqual([]);
	});

	it('retries the exchange on its own budget: three dropped token calls cost the 50 waiting rows none of their retries', async () => {
		const ids = emulator.seedAssessments(50);
		const rows = rowsFor(ids, 'token drops');
		const before = snapshot(emulator, ids);
		emulator.faults.dropConnections(3, { match: { path: TOKEN_PATH } });
		// Then every row's first write meets a server error: each row needs one retry of its own.
		emulator.faults.serverErrors(50, { status: 500, match: { method: 'PATCH' } });
		const run = await timedRun(credentials, rows, parallel(50, { maxRetries: 3 }), { continueOnFail: true });
		const outcome = checkOutcome(emulator, rows, run, before);
		expect(outcome.failed.size).toBe(0);
		expect(emulator.requests.filter((r) => r.path === TOKEN_PATH).map((r) => r.status)).toEqual([null, null, null, 200]);
		for (const id of ids) expect(patchesFor(emulator, id).map((p) => p.status)).toEqual([500, 200]);
	});

	it('fails every waiting row with the exchange\'s final failure, which spent the exchange\'s budget and none of theirs', async () => {
		const ids = emulator.seedAssessments(30);
		emulator.faults.dropConnections(10, { match: { path: TOKEN_PATH } });
		const run = await timedRun(credentials, rowsFor(ids, 'token gone'), parallel(30, { maxRetries: 2 }), { continueOnFail: true });
		// Max Retries 2: three attempts of the one exchange, whoever waited.
		expect(emulator.requests.filter((r) => r.path === TOKEN_PATH)).toHaveLength(3);
		expect(run.items.map((i) => i.json.error)).toEqual(
			ids.map((_, i) => expect.stringMatching(new RegExp(`^Item ${i + 1} \\(index ${i}\\): Could not get a tenant access token.* Tried 3 times\\. The request \\(PATCH [^)]+\\) was not sent\\.`))),
		);
		expect(allPatches(emulator)).toEqual([]);
	});

	it('is refreshed once when several requests in flight meet an expired token together', async () => {
		const ids = emulator.seedAssessments(12);
		await timedRun(credentials, rowsFor(ids.slice(0, 2), 'warm'), parallel(4));
		emulator.expireAllTokens();
		emulator.setLatency(100);
		const rows = rowsFor(ids.slice(2), 'expired');
		const before = snapshot(emulator, ids.slice(2));
		const run = await timedRun(credentials, rows, parallel(4), { continueOnFail: true });
		checkOutcome(emulator, rows, run, before);
		const refused = emulator.requests.filter((r) => (r.responseBody as { code?: number } | undefined)?.code === 99991663);
		// Four requests went out with the dead token at once; one exchange served them all.
		expect(refused.length).toBeGreaterThanOrEqual(2);
		expect(emulator.tokenExchanges).toBe(2);
		expect(credentials.savedTokens).toEqual(emulator.issuedTokens());
	});
});

describe("a 429 with several requests in flight", () => {
	it('pauses every request until the reset time, once, instead of each request provoking its own', async () => {
		const ids = emulator.seedAssessments(16);
		const rows = rowsFor(ids, '429');
		const before = snapshot(emulator, ids);
		emulator.setLatency(100);
		emulator.faults.rateLimitBurst(1, 2);
		const run = await timedRun(credentials, rows, parallel(4), { continueOnFail: true });
		checkOutcome(emulator, rows, run, before);
		const patches = allPatches(emulator);
		const limited = patches.filter((p) => p.status === 429);
		expect(limited).toHaveLength(1);
		expect(emulator.rateLimited).toBe(1);
		// Nothing reached Feishu while the node waited for the reset (2 s after the 429's answer).
		const t = limited[0].time;
		expect(patches.filter((p) => p.time > t + 400 && p.time < t + 1_900)).toEqual([]);
		expect(patches.filter((p) => p.time >= t + 1_900).length).toBeGreaterThan(0);
	});

	it('keeps at most 4 on their way for the rest of the run once Feishu answered 429, instead of bursting again after the reset', async () => {
		const ids = emulator.seedAssessments(40);
		const rows = rowsFor(ids, 'after 429');
		const before = snapshot(emulator, ids);
		emulator.setLatency(150);
		emulator.faults.rateLimitBurst(1, 1);
		const run = await timedRun(credentials, rows, parallel(20), { continueOnFail: true });
		const outcome = checkOutcome(emulator, rows, run, before);
		expect(outcome.failed.size).toBe(0);
		const patches = allPatches(emulator);
		const t = patches.find((p) => p.status === 429)?.time ?? NaN;
		// A request is at Feishu for its 150 ms: those that arrived in the 140 ms up to one were out together.
		const together = (at: number) => patches.filter((p) => p.time <= at && p.time > at - 140).length;
		const most = (list: typeof patches) => Math.max(...list.map((p) => together(p.time)));
		expect(most(patches.filter((p) => p.time < t + 500))).toBeGreaterThanOrEqual(10);
		const after = patches.filter((p) => p.time > t + 500);
		expect(after.length).toBeGreaterThanOrEqual(20);
		expect(most(after)).toBeLessThanOrEqual(4);
	});
});

describe('exactly once with several requests in flight', () => {
	it('applies each row once when answers are lost after the write landed (drops, timeouts)', async () => {
		const ids = emulator.seedAssessments(60);
		const rows = rowsFor(ids, 'lost');
		const before = snapshot(emulator, ids);
		emulator.setLatency(30);
		emulator.faults.dropConnections(3, { afterApply: true });
		emulator.faults.slowResponses(2, 2_500, { afterApply: true });
		const run = await timedRun(credentials, rows, parallel(4, { timeoutSeconds: 1 }), { continueOnFail: true });
		const outcome = checkOutcome(emulator, rows, run, before);
		expect(outcome.failed.size).toBe(0);
		// Each lost answer's retry was answered from Feishu's client-token store.
		expect(emulator.requests.filter((r) => r.deduplicated).length).toBeGreaterThanOrEqual(3);
	});

	it('creates each assessment once when creates lose their answers', async () => {
		const employments = [...emulator.probations.keys()].slice(0, 10);
		const sizeBefore = emulator.assessments.size;
		emulator.faults.dropConnections(3, { afterApply: true, match: { method: 'POST', path: '/probation/assessments' } });
		const result = await runFeishu(credentials, employments.map((e) => ({ e })), createParameters(4), { continueOnFail: true });
		expect(result.items.map((i) => i.json.error)).toEqual(employments.map(() => undefined));
		expect(emulator.assessments.size).toBe(sizeBefore + employments.length);
		expect(emulator.requests.filter((r) => CREATES(r) && r.deduplicated)).toHaveLength(3);
	});
});

describe('cancelling the execution', () => {
	it('stops every worker: nothing is sent after the cancel', async () => {
		const ids = emulator.seedAssessments(40);
		const rows = rowsFor(ids, 'cancel');
		emulator.setLatency(100);
		let sentAtCancel = 0;
		let cancel!: () => void;
		const cancelled = new Promise<void>((resolve) => (cancel = resolve));
		const stop = onRequest(emulator, (r) => r.method === 'PATCH', (_r, nth) => {
			if (nth === 6) {
				sentAtCancel = nth;
				cancel();
			}
		});
		const chain = updateChain(parallel(4));
		try {
			await runStored(credentials, rows, chain, { mode: 'trigger', data: storedStart(rows, chain), cancelWhen: cancelled }).catch(() => undefined);
		} finally {
			stop();
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
		// Requests already on the wire when the cancel came may still arrive; nothing after them.
		expect(allPatches(emulator).length).toBeLessThanOrEqual(sentAtCancel + 3);
		expect(ids.slice(12).filter((id) => emulator.applyCount(id) > 0)).toEqual([]);
	});
});

function createParameters(inParallel: number, options: IDataObject = {}): INodeParameters {
	return {
		resource: 'probationAssessment',
		operation: 'create',
		employee: { __rl: true, mode: 'id', value: '={{ $json.e }}' },
		assessments: { assessment: [{ assessmentStatus: 'not_started', isFinalAssessment: false }] },
		options: { maxRequestsPerMinute: 0, requestsInParallel: inParallel, ...options },
	};
}

function updateChain(parameters: INodeParameters, continueOnFail = false): NodeSpec[] {
	return [{ name: 'Feishu CoreHR', type: FEISHU_NODE_TYPE, parameters, continueOnFail }];
}

describe("n8n's Retry of the same work creates nothing twice", () => {
	/** A sheet arriving as a trigger event (a webhook call, a form upload): one row per employment. */
	const sheet = (employments: string[], upload: string) => employments.map((e, row) => ({ e, row, upload }));
	const createdFor = (employment: string) => [...emulator.assessments.values()].filter((a) => a.employment_id === employment).length;

	it('after the node failed (On Error → Stop), the retry re-sends the created rows with their tokens: no second create', async () => {
		const employments = [...emulator.probations.keys()].slice(0, 12);
		const counts = employments.map(createdFor);
		const rows = sheet(employments, 'upload-1');
		// No retries: the create after the 8th fails for good (HTTP 500) and the execution stops there.
		const chain = updateChain(createParameters(4, { maxRetries: 0 }));
		const stop = onRequest(emulator, CREATES, (_r, nth) => {
			if (nth === 8) emulator.faults.serverErrors(1, { match: { method: 'POST', path: '/probation/assessments' } });
		});
		let failed;
		try {
			failed = await runStored(credentials, rows, chain, { mode: 'webhook', data: storedStart(rows, chain), executionId: 'exec-100' });
		} finally {
			stop();
		}
		expect(failed.error?.message).toMatch(/Feishu failed with a server error/);
		expect(employments.filter((e, i) => createdFor(e) > counts[i]).length).toBeGreaterThan(0);

		const retried = await runStored(credentials, rows, chain, { mode: 'retry', data: retryOf(failed.run.data), executionId: 'exec-101' });
		expect(retried.error).toBeUndefined();
		expect(employments.map((e, i) => createdFor(e) - counts[i])).toEqual(employments.map(() => 1));
		expect(emulator.requests.filter((r) => CREATES(r) && r.deduplicated).length).toBeGreaterThan(0);
	});

	it('after the worker died mid-sheet (only the start was stored), the retry still creates each row once', async () => {
		const employments = [...emulator.probations.keys()].slice(0, 12);
		const counts = employments.map(createdFor);
		const rows = sheet(employments, 'upload-2');
		const chain = updateChain(createParameters(4));
		const stored = storedStart(rows, chain);
		let die!: () => void;
		const died = new Promise<void>((resolve) => (die = resolve));
		const stop = onRequest(emulator, CREATES, (_r, nth) => {
			if (nth === 5) die();
		});
		try {
			await runStored(credentials, rows, chain, { mode: 'webhook', data: JSON.parse(JSON.stringify(stored)), executionId: 'exec-200', cancelWhen: died }).catch(() => undefined);
		} finally {
			stop();
		}
		await new Promise((resolve) => setTimeout(resolve, 300));
		const before = employments.filter((e, i) => createdFor(e) > counts[i]).length;
		expect(before).toBeGreaterThanOrEqual(5);
		expect(before).toBeLessThan(employments.length);

		// n8n's database holds only what it stored at the start: the retry begins from there.
		const retried = await runStored(credentials, rows, chain, { mode: 'retry', data: retryOf(stored), executionId: 'exec-201' });
		expect(retried.error).toBeUndefined();
		expect(employments.map((e, i) => createdFor(e) - counts[i])).toEqual(employments.map(() => 1));
	});

	it('an update sent again by the very same event still reaches Feishu: only creates are matched across executions', async () => {
		const ids = emulator.seedAssessments(3);
		const rows = rowsFor(ids, 'same event');
		const chain = updateChain(parallel(2));
		await runStored(credentials, rows, chain, { mode: 'webhook', data: storedStart(rows, chain), executionId: 'exec-300' });
		await runStored(credentials, rows, chain, { mode: 'webhook', data: storedStart(rows, chain), executionId: 'exec-301' });
		expect(ids.map((id) => emulator.applyCount(id))).toEqual([2, 2, 2]);
		expect(emulator.requests.filter((r) => r.deduplicated)).toEqual([]);
	});

	it('a new event with the same rows (another upload), or a new manual run, creates again', async () => {
		const employments = [...emulator.probations.keys()].slice(0, 3);
		const counts = employments.map(createdFor);
		const chain = updateChain(createParameters(4));
		const first = sheet(employments, 'upload-3');
		const second = sheet(employments, 'upload-4');
		await runStored(credentials, first, chain, { mode: 'webhook', data: storedStart(first, chain) });
		await runStored(credentials, second, chain, { mode: 'webhook', data: storedStart(second, chain) });
		await runFeishu(credentials, first, createParameters(4), { executionId: 'manual-1' });
		expect(employments.map((e, i) => createdFor(e) - counts[i])).toEqual(employments.map(() => 3));
		expect(emulator.requests.filter((r) => r.deduplicated)).toEqual([]);
	});
});
