/**
 * The global WebSocket (WHATWG API), the only socket a verified community node may use: Node.js
 * has it from version 22. The part of its API the client uses is typed here, because this
 * package compiles against Node 20's types, which lack it.
 */

export interface SocketEvent {
	data?: unknown;
	code?: number;
	reason?: string;
	message?: string;
}

export interface WebSocketLike {
	binaryType: string;
	readonly readyState: number;
	send(data: Uint8Array): void;
	close(code?: number, reason?: string): void;
	addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: SocketEvent) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export const SOCKET_OPEN = 1;

// Module-scoped declaration of the global; at run time this name is looked up on the global object.
declare const WebSocket: WebSocketConstructor | undefined;

export const NO_WEBSOCKET_MESSAGE =
	'Persistent connection needs Node.js 22 or newer (this n8n runs on an older Node.js, without a global WebSocket); use Webhook mode or upgrade n8n';

/** The host's WebSocket, or a plain error saying why there is none. */
export function globalWebSocket(): WebSocketConstructor {
	if (typeof WebSocket !== 'function') throw new Error(NO_WEBSOCKET_MESSAGE);
	return WebSocket;
}

/** A binary message's bytes (ArrayBuffer, typed array or Blob, whichever the host delivers). */
export async function messageBytes(data: unknown): Promise<Uint8Array | undefined> {
	// Tag check, not instanceof: the buffer may come from another realm.
	if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
	if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	if (typeof data === 'object' && data !== null && typeof (data as { arrayBuffer?: unknown }).arrayBuffer === 'function') {
		return new Uint8Array(await (data as { arrayBuffer(): Promise<ArrayBuffer> }).arrayBuffer());
	}
	return undefined; // text messages are not part of the protocol
}
