/** The run's one token exchange: its own retry budget, the waiters' share of its end, and hand-over. */
import type { TokenFailure } from '../../nodes/shared/feishu/token';
import type { ExchangePolicy } from '../../nodes/shared/transport/tokenExchange';
import { SharedTokenExchange } from '../../nodes/shared/transport/tokenExchange';

const dropped: TokenFailure = { kind: 'network', transient: true, message: 'Could not get a tenant access token: the connection was reset' };
const limited: TokenFailure = { kind: 'rateLimit', transient: true, message: 'Could not get a tenant access token: rate limited', retryAfterMs: 2_000 };
const wrongSecret: TokenFailure = { kind: 'credentials', transient: false, message: 'Could not get a tenant access token (Feishu code 10014: app secret invalid).' };

function exchange(policy: Partial<ExchangePolicy> = {}): { shared: SharedTokenExchange; slept: number[] } {
	const slept: number[] = [];
	const shared = new SharedTokenExchange({
		maxRetries: 3,
		retryBaseDelayMs: 500,
		maxRetryDelayMs: 30_000,
		maxRateLimitWaitMs: 180_000,
		defaultRateLimitWaitMs: 5_000,
		sleep: async (ms) => {
			slept.push(ms);
		},
		...policy,
	});
	return { shared, slept };
}

describe('SharedTokenExchange', () => {
	it('lets the first request run the exchange and the others wait for the token it gets', async () => {
		const { shared } = exchange();
		const runner = {};
		expect(await shared.join(runner)).toEqual({ mine: true });
		const waiters = [{}, {}, {}].map(async (w) => await shared.join(w));
		shared.succeeded(runner);
		expect(await Promise.all(waiters)).toEqual([{ ready: true }, { ready: true }, { ready: true }]);
	});

	it('retries dropped exchanges on its own budget (Max Retries, growing waits) while the others keep waiting', async () => {
		const { shared, slept } = exchange({ maxRetries: 3 });
		const runner = {};
		await shared.join(runner);
		let waiterDone = false;
		const waiter = shared.join({}).then((turn) => {
			waiterDone = true;
			return turn;
		});
		for (let i = 0; i < 3; i++) {
			expect(await shared.retry(runner, dropped)).toBe(true);
			expect(await shared.join(runner)).toEqual({ mine: true });
		}
		expect(waiterDone).toBe(false);
		shared.succeeded(runner);
		expect(await waiter).toEqual({ ready: true });
		expect(slept).toEqual([500, 1_000, 2_000]);
	});

	it('ends with its final failure for every waiter once its budget is spent, naming its attempts', async () => {
		const { shared } = exchange({ maxRetries: 1 });
		const runner = {};
		await shared.join(runner);
		const waiters = [{}, {}].map(async (w) => await shared.join(w));
		expect(await shared.retry(runner, dropped)).toBe(true);
		await shared.join(runner);
		expect(await shared.retry(runner, dropped)).toBe(false);
		const ended = shared.failed(runner, dropped);
		expect(ended).toEqual({ failed: dropped, attempts: 2, rateLimitWaitedMs: 0 });
		expect(await Promise.all(waiters)).toEqual([ended, ended]);
	});

	it("waits out Feishu's 429 within Rate-Limit Wait, without spending Max Retries", async () => {
		const { shared, slept } = exchange({ maxRetries: 0, maxRateLimitWaitMs: 5_000 });
		const runner = {};
		await shared.join(runner);
		expect(await shared.retry(runner, limited)).toBe(true);
		expect(await shared.retry(runner, limited)).toBe(true);
		// A third wait of 2 s would pass the 5 s allowed.
		expect(await shared.retry(runner, limited)).toBe(false);
		expect(slept).toEqual([2_000, 2_000]);
		expect(shared.failed(runner, limited)).toEqual({ failed: limited, attempts: 1, rateLimitWaitedMs: 4_000 });
	});

	it('does not retry a refusal of the App ID or App Secret', async () => {
		const { shared, slept } = exchange();
		const runner = {};
		await shared.join(runner);
		expect(await shared.retry(runner, wrongSecret)).toBe(false);
		expect(slept).toEqual([]);
	});

	it('hands an open exchange to the next waiter when its runner leaves, with the budget that is left', async () => {
		const { shared } = exchange({ maxRetries: 1 });
		const first = {};
		const second = {};
		await shared.join(first);
		expect(await shared.retry(first, dropped)).toBe(true);
		const next = shared.join(second);
		shared.leave(first);
		expect(await next).toEqual({ mine: true });
		// One retry was used by the first runner: none is left for the second.
		expect(await shared.retry(second, dropped)).toBe(false);
		expect(shared.failed(second, dropped).attempts).toBe(2);
	});

	it('starts the next exchange (a token that expired later) with a whole budget', async () => {
		const { shared } = exchange({ maxRetries: 1 });
		const runner = {};
		await shared.join(runner);
		expect(await shared.retry(runner, dropped)).toBe(true);
		shared.succeeded(runner);
		const later = {};
		expect(await shared.join(later)).toEqual({ mine: true });
		expect(await shared.retry(later, dropped)).toBe(true);
	});

	it('ignores a request that is not running the exchange', async () => {
		const { shared } = exchange();
		const runner = {};
		await shared.join(runner);
		const other = {};
		expect(await shared.retry(other, dropped)).toBe(false);
		shared.leave(other);
		shared.succeeded(other);
		const waiter = shared.join({});
		shared.succeeded(runner);
		expect(await waiter).toEqual({ ready: true });
	});
});
