/**
 * Feishu's persistent connection ("long connection"), emulated: `POST /callback/ws/endpoint` trades
 * an app's ID and secret for a one-time socket URL on the same loopback server, and the socket
 * speaks the binary `pbbp2.Frame` protocol — pongs carrying ClientConfig to pings, events pushed
 * by tests (whole or split into parts), acknowledgements recorded, connections dropped on demand.
 * Frames go through the node's own codec, which its unit tests prove against protobufjs.
 */
import { randomBytes } from 'crypto';
import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { decodeFrame, encodeFrame, headerValue } from '../../nodes/FeishuCoreHrTrigger/longConnection/frame';
import type { Frame } from '../../nodes/FeishuCoreHrTrigger/longConnection/frame';
import type { Answer } from './answers';
import type { AppConfig } from './types';
import { isRecord } from './validation';

export const LONG_CONNECTION_ENDPOINT_PATH = '/callback/ws/endpoint';
export const LONG_CONNECTION_SOCKET_PATH = '/ws/v2';

/** Seconds, as Feishu sends them. */
export interface LongConnectionClientConfig {
	PingInterval: number;
	ReconnectCount: number;
	ReconnectInterval: number;
	ReconnectNonce: number;
}

/** Feishu's own defaults. */
export const FEISHU_CLIENT_CONFIG: LongConnectionClientConfig = {
	PingInterval: 120,
	ReconnectCount: -1,
	ReconnectInterval: 120,
	ReconnectNonce: 30,
};

/** The endpoint's refusals, by the SDK's names for the codes. */
export const ENDPOINT_FAULT_CODES = {
	busy: 1,
	forbidden: 403,
	authFailed: 514,
	internal: 1000040343,
	tooManyConnections: 1000040350,
} as const;
export type EndpointFault = keyof typeof ENDPOINT_FAULT_CODES;

export interface LongConnectionInfo {
	id: number;
	appId: string;
	serviceId: number;
	deviceId: string;
	openedAt: number;
	/** Pings received on this connection. */
	pings: number;
	/** The `service` of every ping (the client must echo the URL's service_id). */
	pingServices: number[];
}

export interface AckRecord {
	connectionId: number;
	messageId: string;
	/** header.event_id of the envelope the ack answers, when the emulator pushed it. */
	eventId?: string;
	/** `code` of the ack's JSON payload (200 handled, 500 failed). */
	code: number | undefined;
	bizRt: string | undefined;
	/** The ack frame's SeqID and LogID (the pushed frame's, echoed). */
	seqId: bigint;
	logId: bigint;
	time: number;
}

export interface EndpointCall {
	appId: unknown;
	locale: string | undefined;
	/** The code answered (0 = a URL was issued). */
	code: number;
}

export interface PushOptions {
	/** Split the envelope's bytes into this many frames (default 1). */
	parts?: number;
	/** Which connection (default: the next one of the app, round robin). */
	connectionId?: number;
	appId?: string;
	/** Default: a fresh one. */
	messageId?: string;
	/** Send the parts last-first (Feishu does not promise order). */
	reverse?: boolean;
}

export interface PushResult {
	messageId: string;
	connectionId: number;
}

/** What tests and other processes (via the admin API) can do with the long connection. */
export interface LongConnectionControls {
	readonly acks: readonly AckRecord[];
	readonly endpointCalls: readonly EndpointCall[];
	/** Open connections, oldest first. */
	connections(): LongConnectionInfo[];
	/** Resolves when exactly `n` connections are open (at once if they are). */
	waitForConnections(n: number): Promise<void>;
	/** Resolves with the ack of that message (at once if it came). */
	waitForAck(messageId: string): Promise<AckRecord>;
	/** Resolves when the pings received on open connections add up to at least `n`. */
	waitForPings(n: number): Promise<void>;
	push(envelope: unknown, options?: PushOptions): PushResult;
	/** The same envelope again under a new message_id (Feishu's redelivery). */
	redeliver(messageId: string, options?: Omit<PushOptions, 'messageId'>): PushResult;
	/** Ends connections (all, or one): 'terminate' cuts TCP like a network failure, 'close' says goodbye. */
	drop(options?: { connectionId?: number; how?: 'terminate' | 'close' }): number;
	/** Changes the ClientConfig the endpoint and pongs hand out (seconds). */
	setClientConfig(config: Partial<LongConnectionClientConfig>): void;
	/** Pongs carry these settings over the ClientConfig (proves a client applies what pongs say). */
	setPongClientConfig(config: Partial<LongConnectionClientConfig>): void;
	/** The next `times` endpoint calls are refused with this fault. */
	failEndpoint(fault: EndpointFault, times?: number): void;
	/** Feishu caps connections per app; beyond it the endpoint answers 1000040350. */
	setMaxConnectionsPerApp(n: number): void;
}

interface Ticket {
	appId: string;
	serviceId: number;
	deviceId: string;
}

interface Live {
	info: LongConnectionInfo;
	socket: WebSocket;
}

export class LongConnectionEmulator implements LongConnectionControls {
	readonly acks: AckRecord[] = [];
	readonly endpointCalls: EndpointCall[] = [];
	private clientConfig: LongConnectionClientConfig = { ...FEISHU_CLIENT_CONFIG };
	private pongConfig: Partial<LongConnectionClientConfig> = {};
	private maxPerApp = 50;
	private faults: EndpointFault[] = [];
	private readonly tickets = new Map<string, Ticket>();
	private readonly live = new Map<number, Live>();
	private readonly pushed = new Map<string, { envelope: unknown; appId: string }>();
	private readonly wss = new WebSocketServer({ noServer: true });
	private nextId = 1;
	private nextSeq = 7_000_000_000_000_000_000n; // beyond 2^53: the client must keep 64-bit IDs exact
	private roundRobin = 0;
	private readonly watchers = new Set<() => void>();

	constructor(
		private readonly apps: () => readonly AppConfig[],
		private readonly baseUrl: () => string,
	) {}

	// ---- HTTP: the endpoint --------------------------------------------------------------------

	/** `POST /callback/ws/endpoint`: credentials checked like the token endpoint's. */
	endpoint(method: string, body: unknown, headers: IncomingMessage['headers']): Answer {
		if (method !== 'POST') return { status: 404, body: '404 page not found', contentType: 'text/plain' };
		const appId = isRecord(body) ? body.AppID : undefined;
		const secret = isRecord(body) ? body.AppSecret : undefined;
		const refuse = (code: number, msg: string): Answer => {
			this.endpointCalls.push({ appId, locale: headerText(headers.locale), code });
			return { status: 200, body: { code, msg, data: {} } };
		};
		const fault = this.faults.shift();
		if (fault) return refuse(ENDPOINT_FAULT_CODES[fault], fault);
		const app = this.apps().find((a) => a.appId === appId);
		if (!app || app.appSecret !== secret) return refuse(ENDPOINT_FAULT_CODES.authFailed, 'auth failed');
		if (this.connections().filter((c) => c.appId === app.appId).length >= this.maxPerApp) {
			return refuse(ENDPOINT_FAULT_CODES.tooManyConnections, 'exceed connection limit');
		}
		const ticket = randomBytes(12).toString('hex');
		const deviceId = `${Date.now()}${randomBytes(4).readUInt32BE(0)}`;
		const serviceId = 33554678 + this.nextId;
		this.tickets.set(ticket, { appId: app.appId, serviceId, deviceId });
		const url = new URL(LONG_CONNECTION_SOCKET_PATH, this.baseUrl().replace(/^http/, 'ws'));
		url.search = new URLSearchParams({ device_id: deviceId, service_id: String(serviceId), ticket }).toString();
		this.endpointCalls.push({ appId, locale: headerText(headers.locale), code: 0 });
		return { status: 200, body: { code: 0, msg: 'ok', data: { URL: url.toString(), ClientConfig: { ...this.clientConfig } } } };
	}

	// ---- the socket ------------------------------------------------------------------------------

	/** The server's 'upgrade' event: only a URL the endpoint issued (once) opens a socket. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		const url = new URL(req.url ?? '/', 'http://emulator.local');
		const ticket = this.tickets.get(url.searchParams.get('ticket') ?? '');
		if (url.pathname !== LONG_CONNECTION_SOCKET_PATH || !ticket) {
			socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		this.tickets.delete(url.searchParams.get('ticket') ?? '');
		this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, ticket));
	}

	private accept(socket: WebSocket, ticket: Ticket): void {
		const info: LongConnectionInfo = {
			id: this.nextId++,
			appId: ticket.appId,
			serviceId: ticket.serviceId,
			deviceId: ticket.deviceId,
			openedAt: Date.now(),
			pings: 0,
			pingServices: [],
		};
		this.live.set(info.id, { info, socket });
		socket.on('message', (data: RawData, isBinary: boolean) => {
			if (isBinary) this.onFrame(info, socket, toBuffer(data));
		});
		socket.on('close', () => {
			this.live.delete(info.id);
			this.notify();
		});
		socket.on('error', () => {
			// A reset by the client: 'close' follows.
		});
		this.notify();
	}

	private onFrame(info: LongConnectionInfo, socket: WebSocket, bytes: Uint8Array): void {
		let frame: Frame;
		try {
			frame = decodeFrame(bytes);
		} catch {
			socket.close(1002, 'bad frame'); // Feishu would not read on either
			return;
		}
		const type = headerValue(frame, 'type');
		if (frame.method === 0 && type === 'ping') {
			info.pings++;
			info.pingServices.push(frame.service);
			this.notify();
			socket.send(
				encodeFrame({
					...frame,
					headers: [{ key: 'type', value: 'pong' }],
					payload: new TextEncoder().encode(JSON.stringify({ ...this.clientConfig, ...this.pongConfig })),
				}),
			);
			return;
		}
		if (frame.method === 1 && headerValue(frame, 'biz_rt') !== undefined) {
			const messageId = headerValue(frame, 'message_id') ?? '';
			let code: number | undefined;
			try {
				const payload = JSON.parse(new TextDecoder().decode(frame.payload ?? new Uint8Array(0))) as unknown;
				if (isRecord(payload) && typeof payload.code === 'number') code = payload.code;
			} catch {
				// recorded with no code
			}
			const envelope = this.pushed.get(messageId)?.envelope;
			const header = isRecord(envelope) && isRecord(envelope.header) ? envelope.header : undefined;
			this.acks.push({
				connectionId: info.id,
				messageId,
				eventId: typeof header?.event_id === 'string' ? header.event_id : undefined,
				code,
				bizRt: headerValue(frame, 'biz_rt'),
				seqId: frame.seqId,
				logId: frame.logId,
				time: Date.now(),
			});
			this.notify();
		}
	}

	// ---- controls --------------------------------------------------------------------------------

	connections(): LongConnectionInfo[] {
		return [...this.live.values()].map((l) => ({ ...l.info, pingServices: [...l.info.pingServices] }));
	}

	async waitForConnections(n: number): Promise<void> {
		await this.waitUntil(() => (this.live.size === n ? true : undefined));
	}

	async waitForPings(n: number): Promise<void> {
		await this.waitUntil(() => ([...this.live.values()].reduce((sum, l) => sum + l.info.pings, 0) >= n ? true : undefined));
	}

	waitForAck(messageId: string): Promise<AckRecord> {
		return this.waitUntil(() => this.acks.find((a) => a.messageId === messageId));
	}

	push(envelope: unknown, options: PushOptions = {}): PushResult {
		const target = this.pickConnection(options);
		const messageId = options.messageId ?? `msg_${randomBytes(8).toString('hex')}`;
		this.pushed.set(messageId, { envelope, appId: target.info.appId });
		const bytes = new TextEncoder().encode(JSON.stringify(envelope));
		const sum = Math.max(1, Math.floor(options.parts ?? 1));
		// Split by bytes, not characters: a part may end inside a multi-byte character.
		const size = Math.ceil(bytes.length / sum);
		const frames: Frame[] = [];
		for (let seq = 0; seq < sum; seq++) {
			frames.push({
				seqId: this.nextSeq++,
				logId: this.nextSeq++,
				service: target.info.serviceId,
				method: 1,
				headers: [
					{ key: 'type', value: 'event' },
					{ key: 'message_id', value: messageId },
					{ key: 'sum', value: String(sum) },
					{ key: 'seq', value: String(seq) },
					{ key: 'trace_id', value: randomBytes(8).toString('hex') },
				],
				payloadType: 'event',
				payload: bytes.subarray(seq * size, Math.min(bytes.length, (seq + 1) * size)),
			});
		}
		if (options.reverse) frames.reverse();
		for (const frame of frames) target.socket.send(encodeFrame(frame));
		return { messageId, connectionId: target.info.id };
	}

	redeliver(messageId: string, options: Omit<PushOptions, 'messageId'> = {}): PushResult {
		const earlier = this.pushed.get(messageId);
		if (!earlier) throw new Error(`no pushed message ${messageId}`);
		return this.push(earlier.envelope, { appId: earlier.appId, ...options });
	}

	drop(options: { connectionId?: number; how?: 'terminate' | 'close' } = {}): number {
		let n = 0;
		for (const l of [...this.live.values()]) {
			if (options.connectionId !== undefined && l.info.id !== options.connectionId) continue;
			if (options.how === 'close') l.socket.close(1001, 'going away');
			else l.socket.terminate();
			n++;
		}
		return n;
	}

	setClientConfig(config: Partial<LongConnectionClientConfig>): void {
		this.clientConfig = { ...this.clientConfig, ...config };
	}

	setPongClientConfig(config: Partial<LongConnectionClientConfig>): void {
		this.pongConfig = { ...config };
	}

	failEndpoint(fault: EndpointFault, times = 1): void {
		for (let i = 0; i < times; i++) this.faults.push(fault);
	}

	setMaxConnectionsPerApp(n: number): void {
		this.maxPerApp = n;
	}

	/** Records, faults and settings back to the start; open connections stay. */
	reset(): void {
		this.acks.length = 0;
		this.endpointCalls.length = 0;
		this.faults = [];
		this.clientConfig = { ...FEISHU_CLIENT_CONFIG };
		this.pongConfig = {};
		this.maxPerApp = 50;
		this.pushed.clear();
		this.tickets.clear();
	}

	async close(): Promise<void> {
		for (const l of this.live.values()) l.socket.terminate();
		this.live.clear();
		this.notify();
		await new Promise<void>((resolve) => this.wss.close(() => resolve()));
	}

	/**
	 * `/__emulator/long-connection/<name>` for other processes (the e2e run):
	 *   GET  state      {connections, acks, endpointCalls}   (SeqID / LogID as strings)
	 *   POST push       {envelope, parts?, connectionId?, appId?, reverse?}  → {messageId, connectionId}
	 *   POST redeliver  {messageId, parts?, connectionId?}
	 *   POST drop       {connectionId?, how?: 'terminate' | 'close'}        → {dropped}
	 *   POST config     {clientConfig?, pongClientConfig?, maxConnectionsPerApp?, failEndpoint?: {fault, times?}}
	 */
	admin(method: string, name: string, body: unknown): Answer {
		const b = isRecord(body) ? body : {};
		const ok = (extra: Record<string, unknown> = {}): Answer => ({ status: 200, body: { ok: true, ...extra } });
		try {
			switch (`${method} ${name}`) {
				case 'GET state':
					return ok({
						connections: this.connections(),
						acks: this.acks.map((a) => ({ ...a, seqId: String(a.seqId), logId: String(a.logId) })),
						endpointCalls: this.endpointCalls,
					});
				case 'POST push':
					return ok({ ...this.push(b.envelope, pushOptions(b)) });
				case 'POST redeliver':
					return ok({ ...this.redeliver(String(b.messageId), pushOptions(b)) });
				case 'POST drop':
					return ok({
						dropped: this.drop({
							connectionId: typeof b.connectionId === 'number' ? b.connectionId : undefined,
							how: b.how === 'close' ? 'close' : 'terminate',
						}),
					});
				case 'POST config': {
					if (isRecord(b.clientConfig)) this.setClientConfig(b.clientConfig as Partial<LongConnectionClientConfig>);
					if (isRecord(b.pongClientConfig)) this.setPongClientConfig(b.pongClientConfig as Partial<LongConnectionClientConfig>);
					if (typeof b.maxConnectionsPerApp === 'number') this.setMaxConnectionsPerApp(b.maxConnectionsPerApp);
					if (isRecord(b.failEndpoint)) {
						const fault = b.failEndpoint.fault;
						if (typeof fault !== 'string' || !(fault in ENDPOINT_FAULT_CODES)) {
							return { status: 400, body: { ok: false, error: `fault must be one of ${Object.keys(ENDPOINT_FAULT_CODES).join(', ')}` } };
						}
						this.failEndpoint(fault as EndpointFault, typeof b.failEndpoint.times === 'number' ? b.failEndpoint.times : 1);
					}
					return ok({ clientConfig: this.clientConfig, maxConnectionsPerApp: this.maxPerApp });
				}
				default:
					return { status: 404, body: { ok: false, error: `unknown long-connection admin call ${method} ${name}` } };
			}
		} catch (error) {
			return { status: 409, body: { ok: false, error: error instanceof Error ? error.message : String(error) } };
		}
	}

	// ---- plumbing --------------------------------------------------------------------------------

	private pickConnection(options: PushOptions): Live {
		if (options.connectionId !== undefined) {
			const l = this.live.get(options.connectionId);
			if (!l) throw new Error(`no open connection ${options.connectionId}`);
			return l;
		}
		const appId = options.appId ?? this.apps()[0]?.appId;
		const candidates = [...this.live.values()].filter((l) => l.info.appId === appId);
		if (candidates.length === 0) throw new Error(`no open connection for app ${appId}`);
		// With several connections Feishu hands each event to one of them.
		return candidates[this.roundRobin++ % candidates.length];
	}

	private waitUntil<T>(check: () => T | undefined): Promise<T> {
		const now = check();
		if (now !== undefined) return Promise.resolve(now);
		return new Promise<T>((resolve) => {
			const watcher = (): void => {
				const value = check();
				if (value === undefined) return;
				this.watchers.delete(watcher);
				resolve(value);
			};
			this.watchers.add(watcher);
		});
	}

	private notify(): void {
		for (const w of [...this.watchers]) w();
	}
}

function pushOptions(b: Record<string, unknown>): PushOptions {
	return {
		parts: typeof b.parts === 'number' ? b.parts : undefined,
		connectionId: typeof b.connectionId === 'number' ? b.connectionId : undefined,
		appId: typeof b.appId === 'string' ? b.appId : undefined,
		reverse: b.reverse === true,
	};
}

function headerText(v: string | string[] | undefined): string | undefined {
	return Array.isArray(v) ? v[0] : v;
}

function toBuffer(data: RawData): Uint8Array {
	if (Array.isArray(data)) return Buffer.concat(data);
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return data;
}
