import type { IDataObject } from 'n8n-workflow';

import { decryptEvent, eventSignature, sameSecret } from './crypto';

/** The two values from Feishu's console (Events & Callbacks → Encryption Strategy) that prove a request is Feishu's. */
export interface EventSecrets {
	/** Empty: bodies arrive in plain JSON and carry no signature. */
	encryptKey: string;
	/** Empty: not checked (the node refuses to run a webhook with neither value set). */
	verificationToken: string;
}

export interface IncomingRequest {
	/** The body exactly as received: the signature covers these bytes. */
	rawBody: Buffer | undefined;
	/** The parsed body, used only when there is no raw body and nothing to verify against it. */
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
}

/** How far a request's timestamp may lie from our clock; older ones are replays. */
export const MAX_TIMESTAMP_SKEW_MS = 5 * 60 * 1000;

export type RequestVerdict =
	/** Feishu's URL check: answer {challenge} and start nothing. */
	| { kind: 'urlCheck'; challenge: string }
	/** A genuine event envelope (decrypted, signature and token checked). */
	| { kind: 'event'; envelope: IDataObject }
	/** Not provably from Feishu: answer 401, start nothing. `reason` holds no secret. */
	| { kind: 'rejected'; reason: string };

export const SIGNATURE_HEADER = 'x-lark-signature';
export const TIMESTAMP_HEADER = 'x-lark-request-timestamp';
export const NONCE_HEADER = 'x-lark-request-nonce';

function headerValue(headers: IncomingRequest['headers'], name: string): string | undefined {
	const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
	const value = entry?.[1];
	return Array.isArray(value) ? value[0] : value;
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Seconds (what Feishu sends) or milliseconds, to ms; undefined when not a number. */
function timestampMs(value: string): number | undefined {
	if (!/^\d{9,14}$/.test(value.trim())) return undefined;
	const n = Number(value);
	return n < 1e12 ? n * 1000 : n;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/**
 * Decides what a POST to the webhook is, before anything else happens. Pure: the clock is passed in.
 *
 * With an Encrypt Key, Feishu encrypts every body (the URL check too) and signs events: a plain
 * body then is refused (it could only be a downgrade), and an event needs a valid, fresh signature.
 * A URL check needs no signature (Feishu's own SDK answers it before checking one); it must
 * decrypt with the key or, when plain, carry the Verification Token.
 */
export function verifyRequest(request: IncomingRequest, secrets: EventSecrets, nowMs: number): RequestVerdict {
	const { encryptKey, verificationToken } = secrets;
	if (!encryptKey && !verificationToken) {
		return { kind: 'rejected', reason: 'the credential has neither an Encrypt Key nor a Verification Token, so no request can be trusted' };
	}
	const rawText = request.rawBody !== undefined ? request.rawBody.toString('utf8') : undefined;
	const outer = rawText !== undefined ? parseJson(rawText) : request.body;
	if (!isObject(outer)) return { kind: 'rejected', reason: 'the body is not a JSON object' };

	let payload: unknown = outer;
	const encrypted = typeof outer.encrypt === 'string';
	// A plain URL check with the right token is answered even when a key is set: the console may
	// check the URL before the key is saved there, and answering a check starts nothing.
	const plainUrlCheck = !encrypted && outer.type === 'url_verification' && verificationToken !== '';
	if (encryptKey && !plainUrlCheck) {
		if (!encrypted) return { kind: 'rejected', reason: 'the body is not encrypted, but an Encrypt Key is set' };
		try {
			payload = parseJson(decryptEvent(encryptKey, outer.encrypt as string));
		} catch (error) {
			return { kind: 'rejected', reason: (error as Error).message };
		}
		if (!isObject(payload)) return { kind: 'rejected', reason: 'the decrypted body is not a JSON object' };
	} else if (encrypted && !encryptKey) {
		return { kind: 'rejected', reason: 'the body is encrypted, but the credential has no Encrypt Key' };
	}
	const body = payload as IDataObject;

	if (body.type === 'url_verification') {
		if (typeof body.challenge !== 'string') return { kind: 'rejected', reason: 'the URL check has no challenge' };
		if (verificationToken && !sameSecret(String(body.token ?? ''), verificationToken)) {
			return { kind: 'rejected', reason: 'the URL check carries a wrong Verification Token' };
		}
		return { kind: 'urlCheck', challenge: body.challenge };
	}

	if (encryptKey) {
		const signature = headerValue(request.headers, SIGNATURE_HEADER);
		const timestamp = headerValue(request.headers, TIMESTAMP_HEADER);
		const nonce = headerValue(request.headers, NONCE_HEADER) ?? '';
		if (!signature || !timestamp) return { kind: 'rejected', reason: 'the X-Lark-Signature or X-Lark-Request-Timestamp header is missing' };
		// Without the exact bytes Feishu signed, no signature can be checked: refuse rather than guess.
		if (request.rawBody === undefined) return { kind: 'rejected', reason: 'n8n did not hand over the raw request body, so the signature cannot be checked' };
		if (!sameSecret(signature.toLowerCase(), eventSignature(timestamp, nonce, encryptKey, request.rawBody))) {
			return { kind: 'rejected', reason: 'the X-Lark-Signature does not match' };
		}
		const sentAt = timestampMs(timestamp);
		if (sentAt === undefined || Math.abs(nowMs - sentAt) > MAX_TIMESTAMP_SKEW_MS) {
			return { kind: 'rejected', reason: `the request timestamp is more than ${MAX_TIMESTAMP_SKEW_MS / 60000} minutes off (a replay, or a wrong clock)` };
		}
	}
	const header = isObject(body.header) ? body.header : undefined;
	if (!header) return { kind: 'rejected', reason: 'the body is not a schema 2.0 event (no header)' };
	if (verificationToken && !sameSecret(String(header.token ?? ''), verificationToken)) {
		return { kind: 'rejected', reason: 'the event carries a wrong Verification Token' };
	}
	return { kind: 'event', envelope: body };
}
