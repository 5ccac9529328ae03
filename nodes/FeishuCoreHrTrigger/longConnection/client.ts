import type { IDataObject, IHttpRequestOptions, Logger } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import { applyClientConfig, DEFAULT_CLIENT_CONFIG, reconnectDelayMs } from './config';
import type { ClientConfig } from './config';
import { requestEndpoint } from './endpoint';
import { decodeFrame, encodeFrame, FRAME_METHOD, headerValue } from './frame';
import type { Frame } from './frame';
import { MessageAssembler } from './parts';
import { messageBytes, SOCKET_OPEN } from './socket';
import type { WebSocketConstructor, WebSocketLike } from './socket';

export interface LongConnectionOptions {
	baseUrl: string;
	appId: string;
	appSecret: string;
	onEvent: (envelope: IDataObject) => Promise<void>;
	logger: Logger;
	httpRequest: (o: IHttpRequestOptions) => Promise<unknown>;
}

/** Waits are sliced so that close() ends them within this many ms (n8n's sleep cannot be cancelled). */
const SLICE_MS = 250;
/** Attempts at activation before the error reaches the user (for "busy" and unreachable). */
const FIRST_ATTEMPTS = 3;
const HANDSHAKE_TIMEOUT_MS = 15_000;
const CLOSE_WAIT_MS = 5_000;
/** A connection silent this much longer than two ping intervals is taken as dead (a half-open TCP). */
const SILENCE_GRACE_MS = 10_000;
const MAX_PING_WAIT_MS = 3_600_000;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();
const ACK_OK = utf8Encoder.encode('{"code":200}');
const ACK_FAILED = utf8Encoder.encode('{"code":500}');

interface Connection {
	socket: WebSocketLike;
	serviceId: number;
	host: string;
	lastInbound: number;
	isClosed: boolean;
	/** Resolves when the socket is gone: closed by either side, or given up as dead. */
	closed: Promise<void>;
	markClosed(): void;
}

type Attempt = { ok: true; connection: Connection } | { ok: false; retryable: boolean; message: string };

/**
 * One app's persistent connection to Feishu: asks the endpoint for a socket URL, keeps the socket
 * alive with pings, hands each (joined) event to onEvent and acknowledges it, and reconnects after
 * a drop. Every loop and wait is tracked, so close() returns only when nothing is left running.
 */
export class LongConnectionClient {
	private stopped = false;
	private closing?: Promise<void>;
	private config: ClientConfig = DEFAULT_CLIENT_CONFIG;
	private current?: Connection;
	private abort?: AbortController;
	private readonly assembler = new MessageAssembler();
	/** Loops and waits that close() must see end. */
	private readonly tasks = new Set<Promise<unknown>>();

	constructor(
		private readonly options: LongConnectionOptions,
		private readonly WebSocketImpl: WebSocketConstructor,
	) {}

	/** Opens the first connection, or throws an error naming the cause (retrying only what may pass). */
	async start(): Promise<void> {
		let last: Attempt = { ok: false, retryable: false, message: 'not tried' };
		for (let attempt = 1; attempt <= FIRST_ATTEMPTS; attempt++) {
			last = await this.connect();
			if (last.ok) {
				this.track(this.supervise(last.connection));
				return;
			}
			if (!last.retryable || this.stopped) break;
			if (attempt < FIRST_ATTEMPTS) await this.pause(attempt * 1_000);
		}
		await this.close();
		const tries = !last.ok && last.retryable ? ` (tried ${FIRST_ATTEMPTS} times)` : '';
		throw new Error(`Could not open the persistent connection to Feishu: ${last.ok ? 'closed' : last.message}${tries}`);
	}

	close(): Promise<void> {
		this.closing ??= this.shutDown();
		return this.closing;
	}

	private async shutDown(): Promise<void> {
		this.stopped = true;
		this.abort?.abort();
		const connection = this.current;
		this.current = undefined;
		if (connection) await this.closeSocket(connection);
		// Loops notice `stopped` within one slice; wait for them so no timer outlives close().
		while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
		this.assembler.clear();
		this.options.logger.debug('Feishu persistent connection closed');
	}

	// ---- connecting ----------------------------------------------------------------------------

	private async connect(): Promise<Attempt> {
		this.abort = new AbortController();
		const endpoint = await requestEndpoint({
			baseUrl: this.options.baseUrl,
			appId: this.options.appId,
			appSecret: this.options.appSecret,
			httpRequest: this.options.httpRequest,
			abortSignal: this.abort.signal,
		});
		if (this.stopped) return { ok: false, retryable: false, message: 'the connection was closed' };
		if (!endpoint.ok) return endpoint;
		this.config = applyClientConfig(this.config, endpoint.clientConfig);
		return await this.openSocket(endpoint.url, endpoint.serviceId);
	}

	private async openSocket(url: string, serviceId: number): Promise<Attempt> {
		// The URL's query holds a ticket: messages name the host only.
		const host = new URL(url).host;
		let socket: WebSocketLike;
		try {
			socket = new this.WebSocketImpl(url);
		} catch (error) {
			return { ok: false, retryable: true, message: `could not open a socket to ${host} (${errorText(error)})` };
		}
		socket.binaryType = 'arraybuffer';
		let markClosed = (): void => {};
		const connection: Connection = {
			socket,
			serviceId,
			host,
			lastInbound: Date.now(),
			isClosed: false,
			closed: new Promise<void>((resolve) => (markClosed = resolve)),
			markClosed: () => {
				connection.isClosed = true;
				markClosed();
			},
		};
		this.current = connection;

		let outcome: 'open' | 'failed' | undefined;
		let failure = 'the handshake did not finish';
		const settled = new Promise<void>((resolve) => {
			socket.addEventListener('open', () => {
				outcome ??= 'open';
				resolve();
			});
			socket.addEventListener('error', (event) => {
				if (event.message) failure = event.message;
				if (outcome === undefined) {
					outcome = 'failed';
					resolve();
				}
			});
			socket.addEventListener('close', (event) => {
				if (outcome === undefined) {
					outcome = 'failed';
					failure = `the server closed it (${event.code ?? 'no code'})`;
					resolve();
				} else if (outcome === 'open' && !connection.isClosed && !this.stopped) {
					this.options.logger.warn(`Feishu persistent connection dropped (close code ${event.code ?? 'none'})`);
				}
				connection.markClosed();
			});
		});
		socket.addEventListener('message', (event) => {
			// Not tracked: an event's workflow may run long, and close() must not wait for it.
			void this.onMessage(connection, event.data);
		});
		await Promise.race([settled, this.pause(HANDSHAKE_TIMEOUT_MS, () => outcome !== undefined)]);

		if (outcome === 'open' && !this.stopped) {
			connection.lastInbound = Date.now();
			this.options.logger.info(`Feishu persistent connection open (${host})`);
			this.track(this.pingLoop(connection));
			return { ok: true, connection };
		}
		await this.closeSocket(connection);
		if (this.current === connection) this.current = undefined;
		return { ok: false, retryable: true, message: `the socket to ${host} did not open: ${failure}` };
	}

	/** After the first connection: whenever it drops, reconnect (fresh URL each time) with back-off. */
	private async supervise(first: Connection): Promise<void> {
		let connection = first;
		for (;;) {
			await connection.closed;
			if (this.stopped) return;
			if (this.current === connection) this.current = undefined;
			for (let failures = 0; ; failures++) {
				const wait = reconnectDelayMs(this.config, failures, Math.random());
				this.options.logger.info(`Feishu persistent connection: reconnecting in ${Math.round(wait / 1000)} s`);
				await this.pause(wait);
				if (this.stopped) return;
				const attempt = await this.connect();
				if (this.stopped) return;
				if (attempt.ok) {
					connection = attempt.connection;
					break;
				}
				this.options.logger.warn(`Feishu persistent connection: reconnecting failed (${attempt.message})`);
			}
		}
	}

	private async pingLoop(connection: Connection): Promise<void> {
		while (!this.stopped && !connection.isClosed) {
			if (Date.now() - connection.lastInbound > 2 * this.config.pingIntervalMs + SILENCE_GRACE_MS) {
				this.options.logger.warn('Feishu persistent connection: no answer to pings; reconnecting');
				await this.closeSocket(connection);
				return;
			}
			this.send(connection, {
				seqId: 0n,
				logId: 0n,
				service: connection.serviceId,
				method: FRAME_METHOD.control,
				headers: [{ key: 'type', value: 'ping' }],
			});
			// Measured against the current interval, so a pong's new PingInterval counts at once.
			const sentAt = Date.now();
			await this.pause(MAX_PING_WAIT_MS, () => connection.isClosed || Date.now() - sentAt >= this.config.pingIntervalMs);
		}
	}

	private async closeSocket(connection: Connection): Promise<void> {
		if (!connection.isClosed) {
			try {
				connection.socket.close(1000, 'bye');
			} catch {
				// Already closing: the close event follows.
			}
			await Promise.race([connection.closed, this.pause(CLOSE_WAIT_MS, () => connection.isClosed, true)]);
		}
		// Whatever the socket says from now on is ignored; loops waiting on it go on.
		connection.markClosed();
	}

	// ---- frames ------------------------------------------------------------------------------

	private async onMessage(connection: Connection, data: unknown): Promise<void> {
		let frame: Frame;
		try {
			const bytes = await messageBytes(data);
			if (bytes === undefined) return;
			frame = decodeFrame(bytes);
		} catch (error) {
			this.options.logger.warn(`Feishu persistent connection: ignored a frame (${errorText(error)})`);
			return;
		}
		connection.lastInbound = Date.now();
		const type = headerValue(frame, 'type');
		if (frame.method === FRAME_METHOD.control) {
			if (type === 'pong' && frame.payload && frame.payload.length > 0) {
				try {
					this.config = applyClientConfig(this.config, JSON.parse(utf8Decoder.decode(frame.payload)));
				} catch {
					// A pong without settings changes nothing.
				}
			}
			return;
		}
		if (frame.method !== FRAME_METHOD.data || type !== 'event') return; // e.g. card callbacks: not ours

		const part = this.assembler.add(
			{
				messageId: headerValue(frame, 'message_id'),
				sum: headerValue(frame, 'sum'),
				seq: headerValue(frame, 'seq'),
				data: frame.payload ?? new Uint8Array(0),
			},
			Date.now(),
		);
		if (part.kind === 'waiting') return;
		const started = Date.now();
		let ok = false;
		if (part.kind === 'invalid') {
			this.options.logger.warn(`Feishu persistent connection: refused a message (${part.reason})`);
		} else {
			try {
				await this.options.onEvent(parseEnvelope(part.data));
				ok = true;
			} catch (error) {
				this.options.logger.error(`Feishu persistent connection: handling an event failed (${errorText(error)})`);
			}
		}
		// The acknowledgement is the frame itself, with the handling time and the outcome.
		this.send(connection, {
			...frame,
			headers: [...frame.headers, { key: 'biz_rt', value: String(Date.now() - started) }],
			payload: ok ? ACK_OK : ACK_FAILED,
		});
	}

	private send(connection: Connection, frame: Frame): void {
		if (connection.isClosed || connection.socket.readyState !== SOCKET_OPEN) return;
		try {
			connection.socket.send(encodeFrame(frame));
		} catch (error) {
			this.options.logger.warn(`Feishu persistent connection: sending failed (${errorText(error)})`);
		}
	}

	// ---- waiting -----------------------------------------------------------------------------

	/**
	 * Waits `ms`, ending early once `until()` holds or the client stops (`evenWhenStopped`: only
	 * `until()` ends it, for waits that close() itself makes). Tracked, so close() outlives it.
	 */
	private pause(ms: number, until: () => boolean = () => false, evenWhenStopped = false): Promise<void> {
		const done = (): boolean => until() || (!evenWhenStopped && this.stopped);
		const wait = (async () => {
			for (let left = ms; left > 0 && !done(); left -= SLICE_MS) await sleep(Math.min(SLICE_MS, left));
		})();
		this.track(wait);
		return wait;
	}

	private track(task: Promise<unknown>): void {
		this.tasks.add(task);
		void task.finally(() => this.tasks.delete(task)).catch(() => {});
	}
}

function parseEnvelope(data: Uint8Array): IDataObject {
	const value: unknown = JSON.parse(utf8Decoder.decode(data));
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the event is not a JSON object');
	return value as IDataObject;
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
