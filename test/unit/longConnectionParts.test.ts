import {
	applyClientConfig,
	DEFAULT_CLIENT_CONFIG,
	MAX_RECONNECT_DELAY_MS,
	MIN_RECONNECT_DELAY_MS,
	reconnectDelayMs,
} from '../../nodes/FeishuCoreHrTrigger/longConnection/config';
import { interpretEndpointAnswer, scrub } from '../../nodes/FeishuCoreHrTrigger/longConnection/endpoint';
import { MAX_PENDING, MessageAssembler, PART_TTL_MS } from '../../nodes/FeishuCoreHrTrigger/longConnection/parts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('joining split messages', () => {
	it('passes an unsplit message straight on, with or without sum/seq headers', () => {
		const a = new MessageAssembler();
		expect(a.add({ messageId: 'm', sum: undefined, seq: undefined, data: bytes('{}') }, 0)).toEqual({ kind: 'complete', data: bytes('{}') });
		expect(a.add({ messageId: undefined, sum: '1', seq: '0', data: bytes('{}') }, 0).kind).toBe('complete');
		expect(a.waiting).toBe(0);
	});

	it('joins parts in any order, byte for byte (a part may end inside a character)', () => {
		const whole = bytes('{"notes":"试用期"}');
		const cut = [whole.subarray(0, 12), whole.subarray(12, 13), whole.subarray(13)];
		const a = new MessageAssembler();
		expect(a.add({ messageId: 'm', sum: '3', seq: '2', data: cut[2] }, 0).kind).toBe('waiting');
		expect(a.add({ messageId: 'm', sum: '3', seq: '0', data: cut[0] }, 1).kind).toBe('waiting');
		const done = a.add({ messageId: 'm', sum: '3', seq: '1', data: cut[1] }, 2);
		expect(done.kind === 'complete' && text(done.data)).toBe('{"notes":"试用期"}');
		expect(a.waiting).toBe(0);
	});

	it('keeps messages apart by message_id, and a resent part replaces the first', () => {
		const a = new MessageAssembler();
		a.add({ messageId: 'x', sum: '2', seq: '0', data: bytes('X1') }, 0);
		a.add({ messageId: 'y', sum: '2', seq: '0', data: bytes('Y1') }, 0);
		a.add({ messageId: 'x', sum: '2', seq: '0', data: bytes('x1') }, 0);
		const x = a.add({ messageId: 'x', sum: '2', seq: '1', data: bytes('x2') }, 0);
		expect(x.kind === 'complete' && text(x.data)).toBe('x1x2');
		expect(a.waiting).toBe(1);
	});

	it('refuses impossible part numbers and forgets parts that stop coming', () => {
		const a = new MessageAssembler();
		expect(a.add({ messageId: 'm', sum: '0', seq: '0', data: bytes('') }, 0)).toEqual({ kind: 'invalid', reason: 'sum 0' });
		expect(a.add({ messageId: 'm', sum: '2', seq: '2', data: bytes('') }, 0)).toEqual({ kind: 'invalid', reason: 'seq 2 of 2' });
		expect(a.add({ messageId: 'm', sum: 'two', seq: '0', data: bytes('') }, 0).kind).toBe('invalid');
		expect(a.add({ messageId: undefined, sum: '2', seq: '0', data: bytes('') }, 0).kind).toBe('invalid');
		a.add({ messageId: 'm', sum: '2', seq: '0', data: bytes('a') }, 0);
		expect(a.add({ messageId: 'm', sum: '3', seq: '1', data: bytes('b') }, 1).kind).toBe('invalid');
		expect(a.add({ messageId: 'late', sum: '2', seq: '0', data: bytes('b') }, PART_TTL_MS).kind).toBe('waiting');
		expect(a.waiting).toBe(1); // 'm' expired
	});

	it('holds at most MAX_PENDING unfinished messages, dropping the oldest', () => {
		const a = new MessageAssembler();
		for (let i = 0; i <= MAX_PENDING; i++) a.add({ messageId: `m${i}`, sum: '2', seq: '0', data: bytes('a') }, 0);
		expect(a.waiting).toBe(MAX_PENDING);
		expect(a.add({ messageId: 'm0', sum: '2', seq: '1', data: bytes('b') }, 0).kind).toBe('waiting'); // m0 was dropped
	});
});

describe('ClientConfig', () => {
	it('takes the seconds Feishu sends as ms, within bounds, and ignores what is not a number', () => {
		expect(applyClientConfig(DEFAULT_CLIENT_CONFIG, { PingInterval: 30, ReconnectInterval: 5, ReconnectNonce: 0, ReconnectCount: -1 })).toEqual({
			pingIntervalMs: 30_000,
			reconnectIntervalMs: 5_000,
			reconnectNonceMs: 0,
		});
		expect(applyClientConfig(DEFAULT_CLIENT_CONFIG, { PingInterval: 0, ReconnectNonce: 1e9 })).toEqual({
			...DEFAULT_CLIENT_CONFIG,
			pingIntervalMs: 1_000,
			reconnectNonceMs: 600_000,
		});
		expect(applyClientConfig(DEFAULT_CLIENT_CONFIG, { PingInterval: '30' })).toEqual(DEFAULT_CLIENT_CONFIG);
		expect(applyClientConfig(DEFAULT_CLIENT_CONFIG, null)).toBe(DEFAULT_CLIENT_CONFIG);
	});

	it('reconnects first after the random nonce alone, then backs off from the interval up to a cap', () => {
		const c = DEFAULT_CLIENT_CONFIG; // 120 s interval, 30 s nonce
		expect(reconnectDelayMs(c, 0, 0.5)).toBe(15_000);
		expect(reconnectDelayMs(c, 0, 0)).toBe(MIN_RECONNECT_DELAY_MS);
		expect(reconnectDelayMs(c, 1, 0)).toBe(120_000);
		expect(reconnectDelayMs(c, 2, 0)).toBe(240_000);
		expect(reconnectDelayMs(c, 3, 0.5)).toBe(480_000 + 15_000);
		expect(reconnectDelayMs(c, 50, 0)).toBe(MAX_RECONNECT_DELAY_MS);
		expect(reconnectDelayMs({ ...c, reconnectIntervalMs: 1_800_000 }, 5, 0)).toBe(1_800_000);
	});
});

describe('the endpoint answer', () => {
	it('reads the URL, its service_id and the ClientConfig', () => {
		const r = interpretEndpointAnswer(200, {
			code: 0,
			data: { URL: 'wss://msg.example/ws/v2?device_id=1&service_id=33554678&ticket=t', ClientConfig: { PingInterval: 90 } },
		});
		expect(r).toEqual({
			ok: true,
			url: 'wss://msg.example/ws/v2?device_id=1&service_id=33554678&ticket=t',
			serviceId: 33554678,
			clientConfig: { PingInterval: 90 },
		});
	});

	it.each([
		[1, true, 'Feishu is busy (code 1: system busy)'],
		[1000040343, true, 'Feishu is busy (code 1000040343: system busy)'],
		[514, false, 'Feishu refused the App ID or App Secret (code 514, authentication failed): check them in the credential'],
		[99999, false, 'Feishu refused the persistent connection (code 99999: system busy)'],
	])('code %s: retryable %s, "%s"', (code, retryable, message) => {
		expect(interpretEndpointAnswer(200, { code, msg: 'system busy', data: {} })).toEqual({ ok: false, retryable, message });
	});

	it('tells a wrong domain from a busy server when there is no Feishu code', () => {
		expect(interpretEndpointAnswer(404, 'not found')).toMatchObject({ ok: false, retryable: false, message: expect.stringMatching(/HTTP 404 .*domain/) });
		expect(interpretEndpointAnswer(502, '<html>')).toMatchObject({ ok: false, retryable: true });
		expect(interpretEndpointAnswer(200, { code: 0, data: { URL: 'http://x' } })).toMatchObject({ ok: false, retryable: true });
		expect(interpretEndpointAnswer(200, { code: 0, data: { URL: 'wss://[bad' } })).toMatchObject({
			ok: false,
			message: 'Feishu answered without a usable connection URL',
		});
	});

	it('scrubs the secret from any text', () => {
		expect(scrub('body {"AppSecret":"s3cret-value"}', 's3cret-value')).toBe('body {"AppSecret":"***"}');
		expect(scrub('nothing', '')).toBe('nothing');
	});
});
