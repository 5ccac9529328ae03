import type { INodeProperties } from 'n8n-workflow';

import { FeishuCoreHr } from '../../nodes/FeishuCoreHr/FeishuCoreHr.node';
import { requestOptionProperties } from '../../nodes/FeishuCoreHr/actions/requestOptions';
import { requestsInParallel, transportSettings } from '../../nodes/FeishuCoreHr/actions/transportSettings';
import { DEFAULT_SETTINGS, FEISHU_LIMITS } from '../../nodes/shared/transport';

const shownDefault = (name: string): unknown => requestOptionProperties('write').find((p) => p.name === name)?.default;

/** An option as the editor shows it on one operation. */
function optionOn(resource: string, operation: string, name: string): INodeProperties | undefined {
	const collection = new FeishuCoreHr().description.properties.find(
		(p) => p.name === 'options' && p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation),
	);
	return collection?.options?.find((o): o is INodeProperties => 'name' in o && o.name === name && 'type' in o);
}

describe('request options', () => {
	it('shows in the editor exactly the defaults the transport uses', () => {
		// Not set means Feishu's documented limit alone, which is what the editor shows.
		expect(shownDefault('maxRequestsPerMinute')).toBe(FEISHU_LIMITS.write.perMinute);
		expect(DEFAULT_SETTINGS.maxRequestsPerMinute).toBeUndefined();
		expect(shownDefault('maxRateLimitWaitSeconds')).toBe(DEFAULT_SETTINGS.maxRateLimitWaitMs / 1000);
		expect(shownDefault('maxRetries')).toBe(DEFAULT_SETTINGS.maxRetries);
		expect(shownDefault('timeoutSeconds')).toBe(DEFAULT_SETTINGS.timeoutMs / 1000);
	});

	it("knows Feishu's documented limits: 100 writes per minute; 1,000 reads per minute and 50 per second; 100 employee searches per minute; and a bounded wait", () => {
		expect(FEISHU_LIMITS).toEqual({ write: { perMinute: 100 }, read: { perMinute: 1_000, perSecond: 50 }, employeeSearch: { perMinute: 100 } });
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

	it('falls back to the default for negative, blank or unreadable values, and keeps a sane minimum timeout', () => {
		// Number("") is 0, which would have turned pacing off for an expression that came out empty.
		expect(transportSettings({ maxRequestsPerMinute: '' }).maxRequestsPerMinute).toBeUndefined();
		expect(transportSettings({ maxRequestsPerMinute: -5 }).maxRequestsPerMinute).toBeUndefined();
		expect(transportSettings({ maxRetries: 'many', maxRateLimitWaitSeconds: NaN })).toMatchObject({
			maxRetries: DEFAULT_SETTINGS.maxRetries,
			maxRateLimitWaitMs: DEFAULT_SETTINGS.maxRateLimitWaitMs,
		});
		expect(transportSettings({ timeoutSeconds: 0 }).timeoutMs).toBeGreaterThanOrEqual(100);
	});

	it("shows Max Requests per Minute on probation Search with the read limit, default and words", () => {
		const option = optionOn('probation', 'search', 'maxRequestsPerMinute');
		expect(option?.default).toBe(FEISHU_LIMITS.read.perMinute);
		expect(option?.typeOptions).toMatchObject({ minValue: 0, maxValue: FEISHU_LIMITS.read.perMinute });
		expect(option?.hint).toContain(`${FEISHU_LIMITS.read.perMinute} per minute and ${FEISHU_LIMITS.read.perSecond} per second`);
		expect(option?.description).toMatch(/search requests/);
		expect(option?.description).not.toMatch(/writes/);
	});

	it('shows Max Requests per Minute on employee Search with its own limit of 100 searches per minute', () => {
		const option = optionOn('employee', 'search', 'maxRequestsPerMinute');
		expect(option?.default).toBe(FEISHU_LIMITS.employeeSearch.perMinute);
		expect(option?.typeOptions).toMatchObject({ minValue: 0, maxValue: FEISHU_LIMITS.employeeSearch.perMinute });
		expect(option?.hint).toContain(`Feishu allows ${FEISHU_LIMITS.employeeSearch.perMinute} per minute per app`);
		expect(option?.description).toMatch(/search requests/);
	});

	it.each(['update', 'create', 'delete'])('keeps Max Requests per Minute on %s at the write limit of 100', (operation) => {
		const option = optionOn('probationAssessment', operation, 'maxRequestsPerMinute');
		expect(option?.default).toBe(FEISHU_LIMITS.write.perMinute);
		expect(option?.typeOptions).toMatchObject({ maxValue: FEISHU_LIMITS.write.perMinute });
		expect(option?.hint).toContain(`${FEISHU_LIMITS.write.perMinute} writes per minute`);
	});
});

describe('Requests in Parallel', () => {
	it('has 50 items in flight unless the option is set', () => {
		expect(requestsInParallel({})).toBe(50);
		expect(requestsInParallel({ requestsInParallel: 6 })).toBe(6);
	});

	it('keeps a given number between 1 and 100, whole', () => {
		expect([0, 2.7, 99, 250].map((n) => requestsInParallel({ requestsInParallel: n }))).toEqual([1, 2, 99, 100]);
	});
});
