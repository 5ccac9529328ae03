import { FEISHU_LIMITS } from '../../nodes/shared/feishu/limits';
import type { Clock, Pacer } from '../../nodes/shared/transport/pacer';
import { SlidingWindowPacer, pacersFor } from '../../nodes/shared/transport/pacer';

/** Time that only moves when someone sleeps: minutes of pacing run in microseconds. */
class FakeClock implements Clock {
	time = 0;

	readonly sleeps: number[] = [];

	now(): number {
		return this.time;
	}

	async sleep(ms: number): Promise<void> {
		this.sleeps.push(ms);
		this.time += ms;
	}
}

const MINUTE = 60_000;

/** Sends n requests one after another (as the node does) and returns when each went out. */
async function send(pacer: Pacer, clock: FakeClock, n: number): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < n; i++) {
		await pacer.acquire();
		times.push(clock.now());
		pacer.settle();
	}
	return times;
}

/** The most requests that went out in any window of `windowMs` (half-open, sliding). */
function busiestWindow(times: number[], windowMs: number): number {
	let most = 0;
	for (const start of times) {
		most = Math.max(most, times.filter((t) => t >= start && t < start + windowMs).length);
	}
	return most;
}

describe('pacing writes under the per-minute limit', () => {
	it('lets a 30-row sheet go out at once', async () => {
		const clock = new FakeClock();
		const times = await send(new SlidingWindowPacer(100, MINUTE, clock), clock, 30);
		expect(new Set(times)).toEqual(new Set([0]));
		expect(clock.sleeps).toEqual([]);
	});

	it('runs 250 requests at 100 per minute in 120 s: two full windows, no drip', async () => {
		const clock = new FakeClock();
		const times = await send(new SlidingWindowPacer(100, MINUTE, clock), clock, 250);
		expect(times[249]).toBe(120_000);
		expect(times.filter((t) => t === 0)).toHaveLength(100);
		expect(times.filter((t) => t === 60_000)).toHaveLength(100);
		expect(times.filter((t) => t === 120_000)).toHaveLength(50);
	});

	it('never lets more than the limit through in any 60-second window', async () => {
		const clock = new FakeClock();
		const pacer = new SlidingWindowPacer(100, MINUTE, clock);
		const times: number[] = [];
		// Irregular traffic: bursts, pauses of odd lengths, and long waits in between.
		for (let i = 0; i < 400; i++) {
			if (i % 37 === 0) clock.time += 7_919;
			if (i % 11 === 0) clock.time += 613;
			await pacer.acquire();
			times.push(clock.now());
		}
		expect(busiestWindow(times, MINUTE)).toBe(100);
		expect(times).toEqual([...times].sort((a, b) => a - b));
	});

	it('waits only until the oldest request leaves the window', async () => {
		const clock = new FakeClock();
		const pacer = new SlidingWindowPacer(3, 10_000, clock);
		await pacer.acquire();
		clock.time = 4_000;
		await pacer.acquire();
		clock.time = 8_000;
		await pacer.acquire();
		await pacer.acquire();
		expect(clock.now()).toBe(10_000);
		expect(clock.sleeps).toEqual([2_000]);
		await pacer.acquire();
		expect(clock.now()).toBe(14_000);
	});

	it('does not wait at all with a limit of 0 (pacing off)', async () => {
		const clock = new FakeClock();
		const times = await send(new SlidingWindowPacer(0, MINUTE, clock), clock, 1_000);
		expect(clock.sleeps).toEqual([]);
		expect(times[999]).toBe(0);
	});

	it('says how long the next request must wait without counting it', () => {
		const clock = new FakeClock();
		const pacer = new SlidingWindowPacer(2, 1_000, clock);
		expect(pacer.delayFor(0)).toBe(0);
		void pacer.acquire();
		void pacer.acquire();
		expect(pacer.delayFor(250)).toBe(750);
		expect(pacer.delayFor(1_000)).toBe(0);
	});
});

describe('timing each request by when its answer arrived', () => {
	it('keeps the 101st request out until a minute after the 1st was answered, not sent', async () => {
		const clock = new FakeClock();
		const pacer = new SlidingWindowPacer(100, MINUTE, clock);
		// The first request is slow to get out and back (a token exchange, a cold start): 300 ms.
		await pacer.acquire();
		clock.time += 300;
		pacer.settle();
		for (let i = 1; i < 100; i++) {
			await pacer.acquire();
			pacer.settle();
		}
		await pacer.acquire();
		// Feishu may have counted the first request as late as 300 ms: the 101st waits for that.
		expect(clock.now()).toBe(60_300);
	});

	it('changes nothing when pacing is off', async () => {
		const clock = new FakeClock();
		const pacer = new SlidingWindowPacer(0, MINUTE, clock);
		await pacer.acquire();
		pacer.settle();
		expect(pacer.delayFor(clock.now())).toBe(0);
	});
});

describe("the pacers for Feishu's documented limits and the run's own cap", () => {
	it('keeps 1,200 reads to 50 per second and 1,000 per minute: 20 s for the first 1,000, then the next minute', async () => {
		const clock = new FakeClock();
		const times = await send(pacersFor(undefined, clock).read, clock, 1_200);
		expect(busiestWindow(times, 1_000)).toBe(FEISHU_LIMITS.read.perSecond);
		expect(busiestWindow(times, MINUTE)).toBe(FEISHU_LIMITS.read.perMinute);
		expect(times[999]).toBe(19_000);
		expect(times[1_000]).toBe(60_000);
		expect(times[1_199]).toBe(63_000);
	});

	it('keeps writes to 100 per minute', async () => {
		const clock = new FakeClock();
		const times = await send(pacersFor(undefined, clock).write, clock, 250);
		expect(busiestWindow(times, MINUTE)).toBe(FEISHU_LIMITS.write.perMinute);
		expect(times[249]).toBe(120_000);
	});

	it('keeps employee searches to their own 100 per minute', async () => {
		const clock = new FakeClock();
		const times = await send(pacersFor(undefined, clock).employeeSearch, clock, 150);
		expect(busiestWindow(times, MINUTE)).toBe(FEISHU_LIMITS.employeeSearch.perMinute);
		expect(times[99]).toBe(0);
		expect(times[100]).toBe(60_000);
	});

	it("caps reads at the run's Max Requests per Minute", async () => {
		const clock = new FakeClock();
		const times = await send(pacersFor(5, clock).read, clock, 12);
		expect(times).toEqual([0, 0, 0, 0, 0, 60_000, 60_000, 60_000, 60_000, 60_000, 120_000, 120_000]);
	});

	it("never goes past Feishu's limit however high the run's own cap is set", async () => {
		const clock = new FakeClock();
		const { read, write } = pacersFor(100_000, clock);
		expect(busiestWindow(await send(write, clock, 250), MINUTE)).toBe(FEISHU_LIMITS.write.perMinute);
		const reads = await send(read, clock, 1_200);
		expect(busiestWindow(reads, 1_000)).toBe(FEISHU_LIMITS.read.perSecond);
		expect(busiestWindow(reads, MINUTE)).toBe(FEISHU_LIMITS.read.perMinute);
	});

	it("counts every request of the run against its own cap, the grade read of an update included", async () => {
		const clock = new FakeClock();
		const { read, write } = pacersFor(3, clock);
		const times = [...(await send(read, clock, 1)), ...(await send(write, clock, 3))];
		expect(times).toEqual([0, 0, 0, 60_000]);
	});

	it('turns all pacing off with 0', async () => {
		const clock = new FakeClock();
		const { read, write } = pacersFor(0, clock);
		await send(read, clock, 2_000);
		await send(write, clock, 500);
		expect(clock.sleeps).toEqual([]);
	});
});

describe('several requests in flight', () => {
	it('times each request by its own answer: a slow early answer holds its own slot, not a later one', async () => {
		const clock = new FakeClock();
		const pacer = new SlidingWindowPacer(2, MINUTE, clock);
		const slow = await pacer.acquire();
		const fast = await pacer.acquire();
		clock.time = 100;
		pacer.settle(fast);
		clock.time = 5_000;
		pacer.settle(slow);
		// The window frees a minute after the first answer (100 ms), not after the slow one.
		expect(pacer.delayFor(5_000)).toBe(55_100);
		expect(pacer.delayFor(60_100)).toBe(0);
	});

	it('holds every request back until the reset time of a 429, however many are waiting', async () => {
		const clock = new FakeClock();
		const { write, read } = pacersFor(undefined, clock);
		write.pause(2_000);
		const went = await Promise.all([write.acquire(), write.acquire(), write.acquire()]);
		expect(went).toEqual([2_000, 2_000, 2_000]);
		// Other kinds of request have their own limits and are not held.
		clock.time = 0;
		expect(await read.acquire()).toBe(0);
	});

	it('still pauses on a 429 with pacing off', async () => {
		const clock = new FakeClock();
		const { write } = pacersFor(0, clock);
		write.pause(1_500);
		expect(await write.acquire()).toBe(1_500);
		expect(await write.acquire()).toBe(1_500);
	});
});
