/** 53-bit string hash (cyrb53): small, pure and stable across processes. */
function hash53(text: string, seed: number): string {
	let h1 = 0xdeadbeef ^ seed;
	let h2 = 0x41c6ce57 ^ seed;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * Feishu treats writes with the same client_token as one request. A token derived from where the
 * write comes from (instance, workflow, execution, node, run of the node, item) and from the
 * request itself makes a retried request idempotent, while a new execution, another pass of a
 * loop, or another request writes again. Should two writes ever share a token, they are the
 * same request: the worst case is an identical write applied once.
 */
export function deriveClientToken(origin: readonly string[], request: string): string {
	const key = [...origin, request].join('\u0000');
	return `n8n-${hash53(key, 1)}${hash53(key, 2)}`;
}

/** What makes two writes the same request. */
export function requestKey(method: string, path: string, body: unknown): string {
	return `${method} ${path} ${JSON.stringify(body ?? null)}`;
}
