/**
 * 200+ rows through the node (n8n-core, emulator over loopback) under each transient fault:
 * server errors, gateway pages, dropped connections and answers slower than the timeout.
 * Every run must end with each row applied exactly once or reported as failed with a reason.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import type { Outcome, Row, TimedRun } from '../helpers/updateRun';
import { checkOutcome, patchesFor, rowsFor, settle, snapshot, timedRun, updateParameters } from '../helpers/updateRun';
import { withEmulator } from '../helpers/emulatorFixture';

const ROWS = 200;
/** A hang guard, not a benchmark: each run below needs a few seconds. */
const HANG_GUARD_MS = 30_000;

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;

withEmulator((e, c) => {
	emulator = e;
	credentials = c;
});

interface Scenario {
	ids: string[];
	rows: Row[];
	run: TimedRun;
	outcome: Outcome;
}

/**
 * Seeds ROWS assessments, lets `inject` place faults on chosen rows, runs the node with
 * Continue On Fail and checks the bookkeeping every run must pass.
 */
async function scenario(
	tag: string,
	options: INodeParameters,
	inject: (ids: string[]) => void,
	{ ambiguous = [], settleMs = 0 }: { ambiguous?: number[]; settleMs?: number } = {},
): Promise<Scenario> {
	const ids = emulator.seedAssessments(ROWS);
	const rows = rowsFor(ids, tag);
	const before = snapshot(emulator, ids);
	inject(ids);
	const run = await timedRun(credentials, rows, updateParameters({ maxRequestsPerMinute: 0, ...options }), { continueOnFail: true });
	// Held answers may still apply late (a slow request the node gave up on): wait for them.
	if (settleMs) await settle(settleMs);
	// Every injected fault fired: the run really went through them.
	expect(emulator.faults.pending()).toEqual([]);
	const outcome = checkOutcome(emulator, rows, run, before, new Set(ambiguous));
	expect(run.ms).toBeLessThan(HANG_GUARD_MS);
	return { ids, rows, run, outcome };
}

const only = (id: string) => ({ match: { path: id } });

describe('server errors (5xx with a Feishu JSON body)', () => {
	it('retries each with growing waits, applies every row once, and fails only the row whose retries ran out', async () => {
		const { ids, outcome } = await scenario('5xx', { maxRetries: 2 }, (ids) => {
			emulator.faults.serverErrors(1, { status: 500, ...only(ids[10]) });
			emulator.faults.serverErrors(2, { status: 503, ...only(ids[80]) });
			// Max Retries 2: a third 5xx in a row is one too many.
			emulator.faults.serverErrors(3, { status: 504, ...only(ids[150]) });
		});
		expect([...outcome.failed.keys()]).toEqual([150]);
		expect(outcome.failed.get(150)).toMatch(/1160997|internal error/);
		expect(patchesFor(emulator, ids[10]).map((p) => p.status)).toEqual([500, 200]);
		expect(patchesFor(emulator, ids[80]).map((p) => p.status)).toEqual([503, 503, 200]);
		expect(patchesFor(emulator, ids[150]).map((p) => p.status)).toEqual([504, 504, 504]);
		// Growing waits: about 0.5 s, then about 1 s between the attempts.
		const times = patchesFor(emulator, ids[150]).map((p) => p.time);
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(450);
		expect(times[2] - times[1]).toBeGreaterThanOrEqual(900);
	});
});

describe("gateway errors (a load balancer's HTML page instead of Feishu JSON)", () => {
	it('retries them like a 5xx and fails with a reason when they persist', async () => {
		const { ids, outcome } = await scenario('gateway', { maxRetries: 2 }, (ids) => {
			emulator.faults.gatewayErrors(1, only(ids[5]));
			emulator.faults.gatewayErrors(2, only(ids[120]));
			emulator.faults.gatewayErrors(3, only(ids[199]));
		});
		expect([...outcome.failed.keys()]).toEqual([199]);
		expect(outcome.failed.get(199)).toMatch(/Feishu could not be reached properly: a gateway between n8n and Feishu answered HTTP 502 without a Feishu JSON body; Feishu or the network may be having trouble/);
		expect(patchesFor(emulator, ids[120]).map((p) => p.status)).toEqual([502, 502, 200]);
		expect(patchesFor(emulator, ids[199])).toHaveLength(3);
	});
});

describe('dropped connections', () => {
	it('retries a connection dropped before the write; a drop after the write is answered from the client token, never applied twice', async () => {
		const { ids, outcome } = await scenario(
			'drop',
			{ maxRetries: 2 },
			(ids) => {
				emulator.faults.dropConnections(1, { afterApply: false, ...only(ids[3]) });
				emulator.faults.dropConnections(1, { afterApply: true, ...only(ids[60]) });
				// Retries run out: before the write (nothing applied) and after it (applied, answer lost).
				emulator.faults.dropConnections(3, { afterApply: false, ...only(ids[140]) });
				emulator.faults.dropConnections(3, { afterApply: true, ...only(ids[141]) });
			},
			{ ambiguous: [141] },
		);
		expect([...outcome.failed.keys()]).toEqual([140, 141]);
		expect(patchesFor(emulator, ids[60]).map((p) => [p.status, p.deduplicated ?? false])).toEqual([
			[null, false],
			[200, true],
		]);
		expect(emulator.applyCount(ids[60])).toBe(1);
		expect(emulator.applyCount(ids[140])).toBe(0);
		// The row reported as failed did land once: its first attempt was applied before the drop.
		expect(emulator.applyCount(ids[141])).toBe(1);
		expect(patchesFor(emulator, ids[141])).toHaveLength(3);
	});
});

describe('answers slower than the timeout', () => {
	it('times out, retries with the same client token, and never applies a late duplicate', async () => {
		const { ids, outcome } = await scenario(
			'slow',
			// 50 rows in flight on a busy 2-core machine: an ordinary answer may take a good part of a
			// second, so the timeout leaves room for that and the held answers are well past it.
			{ timeoutSeconds: 2, maxRetries: 2 },
			(ids) => {
				// Held first, then handled: the write lands after the node gave up on that attempt.
				emulator.faults.slowResponses(1, 4_000, { afterApply: false, ...only(ids[7]) });
				// Applied at once, answer held.
				emulator.faults.slowResponses(1, 4_000, { afterApply: true, ...only(ids[100]) });
				// Every attempt too slow: the row fails, yet its first attempt lands late.
				emulator.faults.slowResponses(3, 4_000, { afterApply: false, ...only(ids[190]) });
			},
			{ ambiguous: [190], settleMs: 4_500 },
		);
		expect([...outcome.failed.keys()]).toEqual([190]);
		expect(outcome.failed.get(190)).toMatch(/.{20,}/);
		for (const index of [7, 100]) {
			const attempts = patchesFor(emulator, ids[index]);
			expect(attempts).toHaveLength(2);
			expect(emulator.applyCount(ids[index])).toBe(1);
		}
		expect(patchesFor(emulator, ids[190])).toHaveLength(3);
		expect(emulator.applyCount(ids[190])).toBe(1);
	});
});

describe('what a failed row says about the network', () => {
	it('says a row whose every answer came too late timed out, rather than that the server is offline', async () => {
		const ids = emulator.seedAssessments(2);
		const rows = rowsFor(ids, 'timeout-words');
		const before = snapshot(emulator, ids);
		emulator.faults.slowResponses(1, 800, { afterApply: false, ...only(ids[0]) });
		const run = await timedRun(credentials, rows, updateParameters({ maxRequestsPerMinute: 0, maxRetries: 0, timeoutSeconds: 0.5 }), {
			continueOnFail: true,
		});
		await settle(900);
		const outcome = checkOutcome(emulator, rows, run, before, new Set([0]));
		expect([...outcome.failed.keys()]).toEqual([0]);
		// Continue On Fail keeps only the message: it alone must tell the user what happened.
		expect(outcome.failed.get(0)).toMatch(/timed? ?out/i);
		expect(outcome.failed.get(0)).not.toMatch(/offline/i);
	});
});
