/**
 * Pacing through n8n-core's real request helpers against the emulator, with one fake clock for
 * both: the node's waits move it, and the emulator's rate limiter and request log read it. So
 * minutes of pacing are checked by counting, in well under a second of real time.
 */
import type { Clock } from '../../nodes/shared/transport/pacer';
import { transportSettings } from '../../nodes/FeishuCoreHr/actions/transportSettings';
import { FEISHU_LIMITS, FeishuClient } from '../../nodes/shared/transport';
import { GRADE_FIELD, customFields } from '../../nodes/shared/transport/endpoints';
import type { Emulator } from '../../dev/emulator';
import { startEmulator } from '../../dev/emulator';
import { CREDENTIAL_ID, MemoryCredentialsHelper, executeContext } from '../../dev/harness/n8nCore';

class FakeClock implements Clock {
	time = 1_800_000_000_000;

	now(): number {
		return this.time;
	}

	async sleep(ms: number): Promise<void> {
		this.time += ms;
	}
}

const SEARCH_PATH = '/open-apis/corehr/v2/probation/search';

/** The most requests that reached Feishu in any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
	let most = 0;
	let start = 0;
	for (let end = 0; end < times.length; end++) {
		while (times[end] - times[start] >= windowMs) start++;
		most = Math.max(most, end - start + 1);
	}
	return most;
}

let clock: FakeClock;
let emulator: Emulator;
let credentials: MemoryCredentialsHelper;

beforeAll(async () => {
	clock = new FakeClock();
	// Feishu's documented read limit per minute, counted on the fake clock: a read too many is a 429.
	emulator = await startEmulator({ seed: 3, now: () => clock.now(), readRateLimit: { limit: FEISHU_LIMITS.read.perMinute, windowMs: 60_000 }, logRequests: true });
});
afterAll(async () => await emulator.close());
beforeEach(() => {
	emulator.reset();
	clock.time += 3_600_000;
	credentials = new MemoryCredentialsHelper();
	credentials.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, ...emulator.defaultApp });
});

const readTimes = () => emulator.requests.filter((r) => r.method !== 'POST' || r.path === SEARCH_PATH).filter((r) => !r.path.includes('/auth/')).map((r) => r.time);

describe('reads keep to both of Feishu\'s documented limits', () => {
	it(`sends 1,050 reads at no more than ${FEISHU_LIMITS.read.perSecond} per second and ${FEISHU_LIMITS.read.perMinute} per minute, and never meets a 429`, async () => {
		const client = new FeishuClient(executeContext(credentials), transportSettings({}), clock);
		for (let i = 0; i < 1_050; i++) {
			await client.request(customFields.getByParam.request({ params: { ...GRADE_FIELD } }));
		}
		const times = readTimes();
		expect(times).toHaveLength(1_050);
		expect(emulator.rateLimited).toBe(0);
		expect(busiestWindow(times, 1_000)).toBe(FEISHU_LIMITS.read.perSecond);
		expect(busiestWindow(times, 60_000)).toBe(FEISHU_LIMITS.read.perMinute);
		// The first 1,000 go at 50 a second; the rest wait for the minute's window, not longer.
		expect(times[999] - times[0]).toBeLessThan(20_000);
		expect(times[1_000] - times[0]).toBeGreaterThanOrEqual(60_000);
		expect(times[1_000] - times[0]).toBeLessThan(61_000);
	});

	it("caps Search's requests at its Max Requests per Minute", async () => {
		const client = new FeishuClient(executeContext(credentials), transportSettings({ maxRequestsPerMinute: 5 }), clock);
		for (let i = 0; i < 12; i++) {
			await client.request({ method: 'POST', path: SEARCH_PATH, qs: { page_size: 1 }, body: {}, kind: 'read' });
		}
		const times = readTimes();
		expect(times).toHaveLength(12);
		expect(busiestWindow(times, 60_000)).toBe(5);
		expect(times[11] - times[0]).toBeGreaterThanOrEqual(120_000);
	});
});
