/**
 * Feishu's persistent connection ("long connection") for the trigger: events arrive over a
 * WebSocket the app opens itself, so n8n needs no public URL. Node.js 22+ (global WebSocket).
 */
import type { LongConnectionOptions } from './client';
import { LongConnectionClient } from './client';
import { globalWebSocket } from './socket';

export { NO_WEBSOCKET_MESSAGE } from './socket';

/**
 * Opens the app's persistent connection and resolves once the first socket is open, so an
 * activation with bad credentials, a forbidden app or too many connections fails at once with a
 * message naming the cause. Each event's schema 2.0 envelope goes to `onEvent`; the event is
 * acknowledged when onEvent resolves (code 200) or rejects (code 500). `close()` ends the socket
 * and every timer.
 */
export async function openLongConnection(options: LongConnectionOptions): Promise<{ close(): Promise<void> }> {
	const client = new LongConnectionClient(options, globalWebSocket());
	await client.start();
	return { close: async () => await client.close() };
}
