/**
 * Finds secrets anywhere in what a run leaves behind: output items, the run data n8n stores, and
 * errors — including the parts JSON.stringify skips (message, stack, description, cause chains).
 */
import type { Emulator } from '../emulator';

const MAX_DEPTH = 12;

/** Every string reachable from `value`, own non-enumerable properties of errors included. */
export function reachableText(value: unknown): string {
	const out: string[] = [];
	const seen = new Set<unknown>();
	const walk = (v: unknown, depth: number): void => {
		if (typeof v === 'string') {
			out.push(v);
			return;
		}
		if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
			out.push(String(v));
			return;
		}
		if (typeof v !== 'object' || v === null || seen.has(v) || depth > MAX_DEPTH) return;
		seen.add(v);
		if (Buffer.isBuffer(v)) {
			out.push(v.toString('utf8'));
			return;
		}
		const keys = v instanceof Error ? Object.getOwnPropertyNames(v) : Object.keys(v);
		if (v instanceof Error && !keys.includes('message')) keys.push('message');
		for (const key of keys) {
			out.push(key);
			let child: unknown;
			try {
				child = (v as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			walk(child, depth + 1);
		}
		if (v instanceof Map) for (const [k, child] of v) walk([k, child], depth + 1);
		if (v instanceof Set) for (const child of v) walk(child, depth + 1);
	};
	walk(value, 0);
	return out.join('\n');
}

/** The app secret and every token the emulator ever issued. */
export function secretsOf(emulator: Emulator, extra: string[] = []): string[] {
	return [emulator.defaultApp.appSecret, ...emulator.issuedTokens(), ...extra].filter((s) => s.length >= 6);
}

/** Secrets that occur in anything reachable from `value` (empty when none leaked). */
export function leakedSecrets(value: unknown, secrets: string[]): string[] {
	const text = reachableText(value);
	return secrets.filter((s) => text.includes(s));
}
