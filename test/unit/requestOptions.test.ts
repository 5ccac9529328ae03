import { requestOptionProperties, transportSettings } from '../../nodes/FeishuCoreHr/actions/requestOptions';
import { DEFAULT_SETTINGS } from '../../nodes/FeishuCoreHr/transport';

const shownDefault = (name: string): unknown => requestOptionProperties.find((p) => p.name === name)?.default;

describe('request options', () => {
	it('shows in the editor exactly the defaults the transport uses', () => {
		expect(shownDefault('maxRequestsPerMinute')).toBe(DEFAULT_SETTINGS.maxRequestsPerMinute);
		expect(shownDefault('maxRateLimitWaitSeconds')).toBe(DEFAULT_SETTINGS.maxRateLimitWaitMs / 1000);
		expect(shownDefault('maxRetries')).toBe(DEFAULT_SETTINGS.maxRetries);
		expect(shownDefault('timeoutSeconds')).toBe(DEFAULT_SETTINGS.timeoutMs / 1000);
	});

	it("defaults to Feishu's documented write limit of 100 per minute and a bounded wait", () => {
		expect(DEFAULT_SETTINGS.maxRequestsPerMinute).toBe(100);
		expect(DEFAULT_SETTINGS.maxRateLimitWaitMs).toBeGreaterThanOrEqual(60_000);
		expect(DEFAULT_SETTINGS.maxRateLimitWaitMs).toBeLessThanOrEqual(10 * 60_000);
		expect(DEFAULT_SETTINGS.maxRetries).toBeGreaterThan(0);
	});

	it('uses the defaults when no option is set', () => {
		expect(transportSettings({})).toEqual(DEFAULT_SETTINGS);
	});

	it('turns the options into transport settings, seconds into milliseconds', () => {
		expect(transportSettings({ maxRequestsPerMinute: 0, maxRetries: 0, timeoutSeconds: 0.5, maxRateLimitWaitSeconds: 2 })).toMatchObject({
			maxRequestsPerMinute: 0,
			maxRetries: 0,
			timeoutMs: 500,
			maxRateLimitWaitMs: 2_000,
		});
	});

	it('reads options given as text by an expression', () => {
		expect(transportSettings({ maxRequestsPerMinute: '50', maxRetries: '2' })).toMatchObject({ maxRequestsPerMinute: 50, maxRetries: 2 });
	});

	it('falls back to the default for negative or unreadable values, and keeps a sane minimum timeout', () => {
		expect(transportSettings({ maxRequestsPerMinute: -5, maxRetries: 'many', maxRateLimitWaitSeconds: NaN })).toMatchObject({
			maxRequestsPerMinute: DEFAULT_SETTINGS.maxRequestsPerMinute,
			maxRetries: DEFAULT_SETTINGS.maxRetries,
			maxRateLimitWaitMs: DEFAULT_SETTINGS.maxRateLimitWaitMs,
		});
		expect(transportSettings({ timeoutSeconds: 0 }).timeoutMs).toBeGreaterThanOrEqual(100);
	});
});
