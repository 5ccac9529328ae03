/**
 * The connection settings Feishu hands out (`ClientConfig`, in seconds) and what the client makes
 * of them. Pure functions.
 */

export interface ClientConfig {
	/** ms between pings. */
	pingIntervalMs: number;
	/** ms between reconnect attempts once the first one failed. */
	reconnectIntervalMs: number;
	/** Up to this many ms of random delay, so many clients do not reconnect in one instant. */
	reconnectNonceMs: number;
}

/** Feishu's defaults (the SDK's too): ping every 2 min, retry every 2 min plus up to 30 s. */
export const DEFAULT_CLIENT_CONFIG: ClientConfig = {
	pingIntervalMs: 120_000,
	reconnectIntervalMs: 120_000,
	reconnectNonceMs: 30_000,
};

/** Longest wait between reconnect attempts, however often they fail. */
export const MAX_RECONNECT_DELAY_MS = 600_000;
/** Shortest: a server that closes every connection at once is not hammered. */
export const MIN_RECONNECT_DELAY_MS = 1_000;

const SECOND = 1_000;
// Bounds that keep a strange value from the server from spinning the client or silencing it.
const BOUNDS = {
	PingInterval: { key: 'pingIntervalMs', min: 1, max: 3_600 },
	ReconnectInterval: { key: 'reconnectIntervalMs', min: 1, max: 3_600 },
	ReconnectNonce: { key: 'reconnectNonceMs', min: 0, max: 600 },
} as const;

/**
 * `current` updated by the fields of a `ClientConfig` object (from the endpoint's answer or a
 * pong) that are numbers; anything else in it is ignored.
 */
export function applyClientConfig(current: ClientConfig, incoming: unknown): ClientConfig {
	if (typeof incoming !== 'object' || incoming === null) return current;
	const next = { ...current };
	for (const [wireName, { key, min, max }] of Object.entries(BOUNDS)) {
		const value = (incoming as Record<string, unknown>)[wireName];
		if (typeof value !== 'number' || !Number.isFinite(value)) continue;
		next[key] = Math.round(Math.min(max, Math.max(min, value)) * SECOND);
	}
	return next;
}

/**
 * How long to wait before reconnect attempt number `failures + 1` after a drop: the first comes
 * after the random nonce alone (a drop usually heals at once), later ones back off from the
 * reconnect interval, doubling up to MAX_RECONNECT_DELAY_MS, plus the nonce. Never below
 * MIN_RECONNECT_DELAY_MS. `random` in [0, 1).
 */
export function reconnectDelayMs(config: ClientConfig, failures: number, random: number): number {
	const nonce = Math.floor(random * config.reconnectNonceMs);
	if (failures <= 0) return Math.max(MIN_RECONNECT_DELAY_MS, nonce);
	const cap = Math.max(config.reconnectIntervalMs, MAX_RECONNECT_DELAY_MS);
	const backOff = Math.min(cap, config.reconnectIntervalMs * 2 ** Math.min(failures - 1, 20));
	return backOff + nonce;
}
