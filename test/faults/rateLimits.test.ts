/**
 * Feishu's rate limit under load: 429 bursts with reset headers, a server-side write limit of
 * 20 requests per second, and the bound on how long one row may wait.
 */
import type { NodeApiError } from 'n8n-workflow';

import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { checkOutcome, patchesFor, rowsFor, snapshot, timedRun, updateParameters } from '../helpers/updateRun';
import { withEmulator } from '../helpers/emulatorFixture';

const HANG_GUARD_MS = 30_000;

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;

withEmulator((e, c) => {
	emulator = e;
	credentials = c;
});

const only = (id: string) => ({ match: { path: id } });
const RATE_LIMITED = { code: 99991400, msg: 'request trigger frequency limit', error: {} };
const resetHeaders = (seconds: string) => ({ 'x-ogw-ratelimit-limit': '100', 'x-ogw-ratelimit-reset': seconds });

describe('429 bursts', () => {
	it('waits as long as x-ogw-ratelimit-reset says, then applies every one of 200 rows exactly once', async () => {
		const ids = emulator.seedAssessments(200);
		const rows = rowsFor(ids, '429');
		const before = snapshot(emulator, ids);
		emulator.faults.respondWith(3, 429, RATE_LIMITED, { headers: resetHeaders('0') });
		emulator.faults.rateLimitBurst(2, 1, only(ids[20]));
		// Some older Feishu APIs say "rate limited" with HTTP 400: the code decides, not the status.
		emulator.faults.respondWith(1, 400, RATE_LIMITED, { headers: resetHeaders('0'), ...only(ids[100]) });

		// One at a time, so the burst lands on the rows named below (several in flight: concurrency.test.ts).
		const run = await timedRun(credentials, rows, updateParameters({ maxRequestsPerMinute: 0, requestsInParallel: 1 }), { continueOnFail: true });
		expect(emulator.faults.pending()).toEqual([]);
		const outcome = checkOutcome(emulator, rows, run, before);
		expect(outcome.failed.size).toBe(0);
		expect(run.ms).toBeLessThan(HANG_GUARD_MS);

		expect(patchesFor(emulator, ids[0]).map((p) => p.status)).toEqual([429, 429, 429, 200]);
		expect(patchesFor(emulator, ids[100]).map((p) => p.status)).toEqual([400, 200]);
		const burst = patchesFor(emulator, ids[20]);
		expect(burst.map((p) => [p.status, p.fault ?? null])).toEqual([
			[429, 'rateLimitBurst'],
			[429, 'rateLimitBurst'],
			[200, null],
		]);
		// The emulator said "reset in 1 s" both times: the node waited at least that long.
		expect(burst[1].time - burst[0].time).toBeGreaterThanOrEqual(990);
		expect(burst[2].time - burst[1].time).toBeGreaterThanOrEqual(990);
	});
});

describe("the server's write limit of 20 requests per second", () => {
	it('runs 200 rows into the limit without pacing: every row waits its turn and lands exactly once', async () => {
		emulator.setWriteRateLimit({ limit: 20, windowMs: 1_000 });
		const ids = emulator.seedAssessments(200);
		const rows = rowsFor(ids, 'limit');
		const before = snapshot(emulator, ids);

		const run = await timedRun(credentials, rows, updateParameters({ maxRequestsPerMinute: 0 }), { continueOnFail: true });
		const outcome = checkOutcome(emulator, rows, run, before);
		expect(outcome.failed.size).toBe(0);
		expect(run.ms).toBeLessThan(HANG_GUARD_MS);
		// The limit was really hit, and after each 429 that row waited for the reset (≥ 1 s) before trying again.
		expect(emulator.rateLimited).toBeGreaterThanOrEqual(5);
		const limited = emulator.requests.filter((r) => r.status === 429);
		expect(limited.length).toBe(emulator.rateLimited);
		for (const answer of limited) {
			const next = emulator.requests.find((r) => r.seq > answer.seq && r.path === answer.path);
			expect(next).toBeDefined();
			expect(next!.time - answer.time).toBeGreaterThanOrEqual(990);
		}
	});
});

describe('the bound on rate-limit waiting', () => {
	it('fails a row that stays rate-limited past Rate-Limit Wait, saying the limit was hit and what to do, and goes on', async () => {
		const ids = emulator.seedAssessments(6);
		const rows = rowsFor(ids, 'bound');
		const before = snapshot(emulator, ids);
		emulator.faults.rateLimitBurst(10, 1, only(ids[2]));

		const run = await timedRun(credentials, rows, updateParameters({ maxRequestsPerMinute: 0, maxRateLimitWaitSeconds: 1 }), {
			continueOnFail: true,
		});
		const outcome = checkOutcome(emulator, rows, run, before);
		expect([...outcome.failed.keys()]).toEqual([2]);
		const message = outcome.failed.get(2)!;
		expect(message).toMatch(/rate limit/i);
		expect(message).toContain('99991400');
		const error = run.items[2].error as NodeApiError;
		const advice = `${message}\n${error.description ?? ''}`;
		expect(advice).toMatch(/split the run/i);
		expect(advice).toMatch(/Max Requests per Minute|Rate-Limit Wait/);
		// It waited once (1 s, within the bound) and gave up at the next 429 instead of waiting again.
		expect(patchesFor(emulator, ids[2])).toHaveLength(2);
		expect(run.ms).toBeLessThan(HANG_GUARD_MS);
	});

	it('with no wait allowed, fails a rate-limited row at once instead of sleeping', async () => {
		const ids = emulator.seedAssessments(2);
		emulator.faults.rateLimitBurst(1, 30, only(ids[0]));
		const run = await timedRun(credentials, rowsFor(ids, 'nowait'), updateParameters({ maxRequestsPerMinute: 0, maxRateLimitWaitSeconds: 0 }), {
			continueOnFail: true,
		});
		expect(run.items[0].json.error).toMatch(/rate limit/i);
		expect(run.items[1].json.updated).toBe(true);
		expect(run.ms).toBeLessThan(10_000);
	});
});
