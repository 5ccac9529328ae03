/**
 * The persistent connection against the emulator over real loopback sockets, with n8n-core's own
 * httpRequest. Node 22+ has a global WebSocket; on Node 20 the `ws` package stands in for it here
 * (the node itself only ever uses the global).
 */
import { createHook } from 'async_hooks';
import type { IDataObject, IHttpRequestOptions, Logger } from 'n8n-workflow';
import { WebSocket as WsWebSocket } from 'ws';

import type { Emulator } from '../../dev/emulator';
import { executeContext } from '../../dev/harness/n8nCore';
import { leakedSecrets } from '../../dev/harness/secrets';
import { NO_WEBSOCKET_MESSAGE, openLongConnection } from '../../nodes/FeishuCoreHrTrigger/longConnection';
import { withEmulator } from '../helpers/emulatorFixture';

type Global = { WebSocket?: unknown };
const globals = globalThis as Global;
const nativeWebSocket = globals.WebSocket;

let emulator: Emulator;
let httpRequest: (o: IHttpRequestOptions) => Promise<unknown>;
const logs: string[] = [];
const open: Array<{ close(): Promise<void> }> = [];

const logger: Logger = {
	error: (m) => logs.push(`error ${m}`),
	warn: (m) => logs.push(`warn ${m}`),
	info: (m) => logs.push(`info ${m}`),
	debug: (m) => logs.push(`debug ${m}`),
};

/**
 * Watches the timers the long-connection code causes from now on (its own waits through n8n's
 * sleep, and whatever the socket starts for it): how many started, and how many are still pending
 * and would keep the process alive (unref'd ones, like undici's shared connect timer, do not).
 * Timers the rest of the process starts (the emulator's, HTTP keep-alive) are not counted.
 */
function watchOurTimers() {
	const live = new Map<number, { hasRef(): boolean }>();
	let started = 0;
	const hook = createHook({
		init(id, type, _trigger, resource) {
			if (type !== 'Timeout') return;
			const limit = Error.stackTraceLimit;
			Error.stackTraceLimit = 50;
			const stack = new Error().stack ?? '';
			Error.stackTraceLimit = limit;
			if (!stack.includes('FeishuCoreHrTrigger/longConnection')) return;
			started++;
			live.set(id, resource as { hasRef(): boolean });
		},
		// A timer that fired is done once its callback ran ('after' comes at once; 'destroy' later).
		after(id) {
			live.delete(id);
		},
		destroy(id) {
			live.delete(id);
		},
	});
	hook.enable();
	return {
		get started() {
			return started;
		},
		get pending() {
			return [...live.values()].filter((t) => t.hasRef()).length;
		},
		stop: () => hook.disable(),
	};
}

withEmulator((e, credentials) => {
	emulator = e;
	// n8n-core's own httpRequest, as the trigger hands it over.
	const context = executeContext(credentials);
	httpRequest = context.helpers.httpRequest.bind(context) as typeof httpRequest;
});

beforeAll(() => {
	globals.WebSocket = nativeWebSocket ?? WsWebSocket;
});

afterEach(async () => {
	for (const c of open.splice(0)) await c.close();
	await emulator.longConnection.waitForConnections(0);
	expect(leakedSecrets(logs, [emulator.defaultApp.appSecret])).toEqual([]);
	logs.length = 0;
});

afterAll(() => {
	globals.WebSocket = nativeWebSocket;
});

/** onEvent that records envelopes and lets a test await the next one. */
function inbox(handler: (e: IDataObject) => Promise<void> = async () => {}) {
	const received: IDataObject[] = [];
	const waiting: Array<() => void> = [];
	return {
		received,
		onEvent: async (envelope: IDataObject) => {
			received.push(envelope);
			for (const w of waiting.splice(0)) w();
			await handler(envelope);
		},
		async next(count = received.length + 1): Promise<IDataObject> {
			while (received.length < count) await new Promise<void>((resolve) => waiting.push(resolve));
			return received[count - 1];
		},
	};
}

async function connect(onEvent: (e: IDataObject) => Promise<void>, overrides: { appSecret?: string } = {}) {
	const connection = await openLongConnection({
		baseUrl: emulator.url,
		appId: emulator.defaultApp.appId,
		appSecret: overrides.appSecret ?? emulator.defaultApp.appSecret,
		onEvent,
		logger,
		httpRequest,
	});
	open.push(connection);
	return connection;
}

function envelope(eventId: string, event: IDataObject = {}): IDataObject {
	return {
		schema: '2.0',
		header: {
			event_id: eventId,
			event_type: 'corehr.probation.updated_v2',
			create_time: '1763971200000',
			token: '',
			app_id: emulator.defaultApp.appId,
			tenant_key: 'tenant-1',
		},
		event: { employment_id: '7140964208476371331', probation_status: 'waiting', actual_probation_end_date: '2026-12-01', ...event },
	};
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a failure');
}

describe('persistent connection', () => {
	it('delivers an event to onEvent and acknowledges it with code 200, echoing the frame', async () => {
		const events = inbox();
		await connect(events.onEvent);
		const lc = emulator.longConnection;
		expect(lc.connections()).toHaveLength(1);
		expect(lc.endpointCalls).toEqual([{ appId: emulator.defaultApp.appId, locale: 'zh', code: 0 }]);

		const sent = envelope('ev-1');
		const { messageId } = lc.push(sent);
		expect(await events.next()).toEqual(sent);
		const ack = await lc.waitForAck(messageId);
		expect(ack.code).toBe(200);
		expect(ack.eventId).toBe('ev-1');
		expect(Number(ack.bizRt)).toBeGreaterThanOrEqual(0);
		// SeqID and LogID come back exact, beyond 2^53.
		expect(ack.seqId).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
		expect(ack.logId).toBe(ack.seqId + 1n);
	});

	it('joins an event split into parts (out of order, cut inside multi-byte characters) before handing it on', async () => {
		const events = inbox();
		await connect(events.onEvent);
		const sent = envelope('ev-split', { notes: '试用期评估：表现良好，'.repeat(40) });
		const { messageId } = emulator.longConnection.push(sent, { parts: 7, reverse: true });
		expect(await events.next()).toEqual(sent);
		expect((await emulator.longConnection.waitForAck(messageId)).code).toBe(200);
		expect(emulator.longConnection.acks).toHaveLength(1);
		expect(events.received).toHaveLength(1);
	});

	it('hands a redelivered event on again (the trigger drops duplicates by event_id)', async () => {
		const events = inbox();
		await connect(events.onEvent);
		const first = emulator.longConnection.push(envelope('ev-again'));
		await events.next(1);
		const again = emulator.longConnection.redeliver(first.messageId);
		expect(again.messageId).not.toBe(first.messageId);
		expect(await events.next(2)).toEqual(await events.next(1));
		expect((await emulator.longConnection.waitForAck(again.messageId)).eventId).toBe('ev-again');
	});

	it('acknowledges with code 500 when onEvent fails, and goes on with the next event', async () => {
		const events = inbox(async (e) => {
			if ((e.header as IDataObject).event_id === 'ev-bad') throw new Error('workflow could not start');
		});
		await connect(events.onEvent);
		const bad = emulator.longConnection.push(envelope('ev-bad'));
		expect((await emulator.longConnection.waitForAck(bad.messageId)).code).toBe(500);
		const good = emulator.longConnection.push(envelope('ev-good'));
		expect((await emulator.longConnection.waitForAck(good.messageId)).code).toBe(200);
		expect(logs.some((l) => l.startsWith('error') && l.includes('workflow could not start'))).toBe(true);
	});

	it('pings at once with the URL service_id, and follows the ping interval a pong hands out', async () => {
		const lc = emulator.longConnection;
		// The endpoint says 120 s, pongs say 1 s: more pings within the test only if the pong was applied.
		lc.setPongClientConfig({ PingInterval: 1 });
		await connect(inbox().onEvent);
		await lc.waitForPings(3);
		const [connection] = lc.connections();
		expect(lc.endpointCalls).toHaveLength(1);
		expect(new Set(connection.pingServices)).toEqual(new Set([connection.serviceId]));
	});

	it.each(['terminate', 'close'] as const)('reconnects after a drop (%s) with a fresh URL, and the next event arrives', async (how) => {
		const lc = emulator.longConnection;
		lc.setClientConfig({ ReconnectNonce: 0, ReconnectInterval: 1 });
		const events = inbox();
		await connect(events.onEvent);
		const [before] = lc.connections();
		expect(lc.drop({ how })).toBe(1);
		await lc.waitForConnections(0);
		await lc.waitForConnections(1);
		const [after] = lc.connections();
		expect(after.id).not.toBe(before.id);
		expect(lc.endpointCalls.map((c) => c.code)).toEqual([0, 0]);
		const { messageId } = lc.push(envelope('ev-after-drop'));
		expect((await events.next()).header).toMatchObject({ event_id: 'ev-after-drop' });
		expect((await lc.waitForAck(messageId)).connectionId).toBe(after.id);
	});

	it('keeps trying when the endpoint is busy after a drop, then heals', async () => {
		const lc = emulator.longConnection;
		lc.setClientConfig({ ReconnectNonce: 0, ReconnectInterval: 1 });
		const events = inbox();
		await connect(events.onEvent);
		lc.failEndpoint('busy', 2);
		lc.drop();
		await lc.waitForConnections(0);
		await lc.waitForConnections(1);
		expect(lc.endpointCalls.map((c) => c.code)).toEqual([0, 1, 1, 0]);
		lc.push(envelope('ev-healed'));
		expect((await events.next()).header).toMatchObject({ event_id: 'ev-healed' });
	});

	it('close() leaves no socket in the emulator and no timer behind', async () => {
		const timers = watchOurTimers();
		try {
			const lc = emulator.longConnection;
			const connection = await connect(inbox().onEvent);
			await lc.waitForPings(1);
			expect(timers.pending).toBeGreaterThan(0); // the ping loop waits
			await connection.close();
			await lc.waitForConnections(0);
			expect(timers.pending).toBe(0);
			await connection.close(); // a second close is harmless
			expect(lc.connections()).toEqual([]);
		} finally {
			timers.stop();
		}
	});

	it('close() during a reconnect wait stops the wait and opens nothing more', async () => {
		const timers = watchOurTimers();
		try {
			const lc = emulator.longConnection;
			lc.setClientConfig({ ReconnectNonce: 600, ReconnectInterval: 600 });
			const connection = await connect(inbox().onEvent);
			lc.drop();
			await lc.waitForConnections(0);
			await connection.close();
			expect(timers.started).toBeGreaterThan(0);
			expect(timers.pending).toBe(0);
			expect(lc.endpointCalls).toHaveLength(1);
		} finally {
			timers.stop();
		}
	});

	it('fails activation on a wrong App Secret with a plain message that does not contain it', async () => {
		const wrong = 'wrong-secret-0123456789';
		const error = await failureOf(connect(inbox().onEvent, { appSecret: wrong }));
		expect(error.message).toBe(
			'Could not open the persistent connection to Feishu: Feishu refused the App ID or App Secret (code 514, authentication failed): check them in the credential',
		);
		expect(leakedSecrets([error, logs], [wrong, emulator.defaultApp.appSecret])).toEqual([]);
		expect(emulator.longConnection.connections()).toEqual([]);
	});

	it.each([
		['forbidden', /code 403, forbidden\): only a self-built app/],
		['tooManyConnections', /code 1000040350, too many connections\)/],
	] as const)('fails activation when the endpoint answers %s, naming the cause', async (fault, message) => {
		emulator.longConnection.failEndpoint(fault);
		const error = await failureOf(connect(inbox().onEvent));
		expect(error.message).toMatch(message);
		expect(emulator.longConnection.endpointCalls).toHaveLength(1); // not retried
	});

	it('refuses a connection beyond the per-app limit', async () => {
		emulator.longConnection.setMaxConnectionsPerApp(1);
		await connect(inbox().onEvent);
		const error = await failureOf(connect(inbox().onEvent));
		expect(error.message).toMatch(/allows this app no more persistent connections/);
		expect(emulator.longConnection.connections()).toHaveLength(1);
	});

	it('retries a busy endpoint at activation before giving up', async () => {
		emulator.longConnection.failEndpoint('busy', 1);
		await connect(inbox().onEvent);
		expect(emulator.longConnection.endpointCalls.map((c) => c.code)).toEqual([1, 0]);

		emulator.longConnection.failEndpoint('internal', 3);
		const error = await failureOf(connect(inbox().onEvent));
		expect(error.message).toMatch(/Feishu is busy \(code 1000040343: internal\) \(tried 3 times\)$/);
	});

	it('emulator: a socket URL opens once, and only as the endpoint issued it', async () => {
		const res = await fetch(`${emulator.url}/callback/ws/endpoint`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', locale: 'zh' },
			body: JSON.stringify({ AppID: emulator.defaultApp.appId, AppSecret: emulator.defaultApp.appSecret }),
		});
		const url = ((await res.json()) as { data: { URL: string } }).data.URL;
		const opens = async (u: string): Promise<boolean> =>
			await new Promise<boolean>((resolve) => {
				const ws = new WsWebSocket(u);
				ws.on('open', () => {
					ws.close();
					resolve(true);
				});
				ws.on('error', () => resolve(false));
			});
		expect(await opens(url.replace(/ticket=[^&]+/, 'ticket=forged'))).toBe(false);
		expect(await opens(url)).toBe(true);
		expect(await opens(url)).toBe(false);
	});

	it('says plainly that Node.js 22 is needed when there is no global WebSocket, before any request', async () => {
		globals.WebSocket = undefined;
		try {
			const error = await failureOf(connect(inbox().onEvent));
			expect(error.message).toBe(NO_WEBSOCKET_MESSAGE);
			expect(error.message).toMatch(/^Persistent connection needs Node\.js 22 or newer .*; use Webhook mode or upgrade n8n$/);
		} finally {
			globals.WebSocket = nativeWebSocket ?? WsWebSocket;
		}
		expect(emulator.longConnection.endpointCalls).toEqual([]);
	});
});
