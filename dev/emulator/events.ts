/**
 * Feishu's event pushes to a request URL (an n8n webhook), as the Open Platform sends them
 * (FEISHU-EVENTS.md, mode 1): the URL check, events encrypted with the Encrypt Key and signed with
 * X-Lark-Signature, plain events, and the forgeries a receiver must refuse. Written from the
 * description, not from the trigger's code, so a test of one against the other can fail.
 */
import { createCipheriv, createHash, randomBytes, randomUUID } from 'crypto';

import type { Answer } from './answers';
import type { Emulator, ProbationStatus } from './types';
import { PROBATION_STATUSES } from './types';
import { isRecord } from './validation';

/** The console values of the emulator's app ("Events & Callbacks → Encryption Strategy"). */
export const DEFAULT_EVENT_SECRETS = {
	encryptKey: 'emulator-encrypt-key-5f1c0e7a9b2d4c6e',
	verificationToken: 'emulator-verification-token-8a7b6c5d4e3f',
} as const;

export interface EventSecrets {
	encryptKey: string;
	verificationToken: string;
}

/** The credential fields that hold these values (the node's credential names them its own way). */
export function eventCredentialFields(secrets: EventSecrets = DEFAULT_EVENT_SECRETS): { encryptKeySecret: string; verificationToken: string } {
	return { encryptKeySecret: secrets.encryptKey, verificationToken: secrets.verificationToken };
}

export const PROBATION_UPDATED_EVENT = 'corehr.probation.updated_v2';

/**
 * How a push is made:
 * - `signed`: encrypted with the Encrypt Key and signed — what Feishu sends once a key is set;
 * - `plain`: JSON as is, no signature — what Feishu sends without an Encrypt Key;
 * - `badSignature`, `staleTimestamp` (signed 10 minutes ago), `wrongToken` (a signed event whose
 *   Verification Token is wrong), `wrongKey` (encrypted and signed with another key): forgeries;
 * - `urlCheck`, `urlCheckEncrypted`: the console's URL check, plain or encrypted.
 */
export const DELIVERY_KINDS = ['signed', 'plain', 'badSignature', 'staleTimestamp', 'wrongToken', 'wrongKey', 'urlCheck', 'urlCheckEncrypted'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export interface ProbationEventSpec {
	employmentId: string;
	status: ProbationStatus;
	actualProbationEndDate?: string;
	/** A fresh UUID when absent; pass the same one twice for a redelivery. */
	eventId?: string;
	appId?: string;
	createTimeMs?: number;
}

/** A schema 2.0 envelope of `corehr.probation.updated_v2`. */
export function probationEnvelope(spec: ProbationEventSpec, token: string): Record<string, unknown> {
	const event: Record<string, unknown> = { employment_id: spec.employmentId, probation_status: spec.status };
	if (spec.actualProbationEndDate) event.actual_probation_end_date = spec.actualProbationEndDate;
	return {
		schema: '2.0',
		header: {
			event_id: spec.eventId ?? randomUUID().replace(/-/g, ''),
			event_type: PROBATION_UPDATED_EVENT,
			create_time: String(spec.createTimeMs ?? Date.now()),
			token,
			app_id: spec.appId ?? 'cli_a1b2c3d4e5f6a7b8',
			tenant_key: 'emulator-tenant',
		},
		event,
	};
}

/** AES-256-CBC with key SHA-256(Encrypt Key), a random IV in front, base64. */
export function encryptForFeishu(encryptKey: string, plaintext: string): string {
	const iv = randomBytes(16);
	const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(encryptKey).digest(), iv);
	return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function larkSignature(timestamp: string, nonce: string, encryptKey: string, body: string): string {
	return createHash('sha256').update(timestamp + nonce + encryptKey + body).digest('hex');
}

export interface Delivery {
	headers: Record<string, string>;
	body: string;
	eventId?: string;
	/** The challenge a URL check carries. */
	challenge?: string;
}

/** The HTTP request Feishu (or a forger) would send. `nowMs` is the sender's clock. */
export function buildDelivery(kind: DeliveryKind, secrets: EventSecrets, spec: ProbationEventSpec | undefined, nowMs = Date.now()): Delivery {
	const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
	if (kind === 'urlCheck' || kind === 'urlCheckEncrypted') {
		const challenge = `challenge-${randomUUID()}`;
		const check = JSON.stringify({ challenge, token: secrets.verificationToken, type: 'url_verification' });
		return { headers, body: kind === 'urlCheck' ? check : JSON.stringify({ encrypt: encryptForFeishu(secrets.encryptKey, check) }), challenge };
	}
	if (!spec) throw new Error(`a ${kind} delivery needs an event (employment and status)`);
	const envelope = probationEnvelope(spec, kind === 'wrongToken' ? `${secrets.verificationToken}-forged` : secrets.verificationToken);
	const eventId = String((envelope.header as Record<string, unknown>).event_id);
	const plaintext = JSON.stringify(envelope);
	if (kind === 'plain') return { headers, body: plaintext, eventId };
	const key = kind === 'wrongKey' ? `${secrets.encryptKey}-forged` : secrets.encryptKey;
	const body = JSON.stringify({ encrypt: encryptForFeishu(key, plaintext) });
	const sentAt = kind === 'staleTimestamp' ? nowMs - 10 * 60 * 1000 : nowMs;
	const timestamp = String(Math.floor(sentAt / 1000));
	const nonce = randomBytes(8).toString('hex');
	const signature = kind === 'badSignature' ? larkSignature(timestamp, nonce, key, `${body} `) : larkSignature(timestamp, nonce, key, body);
	return {
		headers: { ...headers, 'X-Lark-Request-Timestamp': timestamp, 'X-Lark-Request-Nonce': nonce, 'X-Lark-Signature': signature },
		body,
		eventId,
	};
}

export interface DeliveryResult {
	status: number;
	body: string;
	eventId?: string;
	/** The challenge sent, for a URL check. */
	challenge?: string;
}

/** POSTs a delivery to a request URL, as Feishu's servers would. */
export async function deliver(url: string, delivery: Delivery): Promise<DeliveryResult> {
	const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
	return { status: response.status, body: await response.text(), eventId: delivery.eventId };
}

/**
 * What Feishu does when a probation changes: the state changes, then the event is pushed.
 * Returns 400-style text when the employment has no probation.
 */
export function setProbationStatus(emulator: Pick<Emulator, 'probations'>, employmentId: string, status: ProbationStatus): string | undefined {
	const probation = emulator.probations.get(employmentId);
	if (!probation) return `employment ${employmentId} has no probation`;
	probation.probation_status = status;
	return undefined;
}

/**
 * `POST /__emulator/events` {url, kind, employment_id?, status?, event_id?, secrets?, set_status?}:
 * sets the probation's status (unless set_status is false; not for URL checks or forgeries) and
 * pushes the event to `url`. Answers {ok, status, body, event_id, challenge}.
 */
export async function handleEventsAdmin(emulator: Pick<Emulator, 'probations'>, body: unknown): Promise<Answer> {
	const bad = (error: string): Answer => ({ status: 400, body: { ok: false, error } });
	if (!isRecord(body)) return bad('body must be a JSON object');
	const { url, kind, employment_id: employmentId, status, event_id: eventId, set_status: setStatus } = body;
	if (typeof url !== 'string' || !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) return bad('url must be an http URL on 127.0.0.1');
	if (typeof kind !== 'string' || !(DELIVERY_KINDS as readonly string[]).includes(kind)) return bad(`kind must be one of ${DELIVERY_KINDS.join(', ')}`);
	const secrets: EventSecrets = isRecord(body.secrets)
		? { encryptKey: String(body.secrets.encryptKey ?? ''), verificationToken: String(body.secrets.verificationToken ?? '') }
		: { ...DEFAULT_EVENT_SECRETS };
	let spec: ProbationEventSpec | undefined;
	if (!kind.startsWith('urlCheck')) {
		if (typeof employmentId !== 'string') return bad('employment_id (the CoreHR employment ID) is required for an event');
		if (typeof status !== 'string' || !(PROBATION_STATUSES as readonly string[]).includes(status)) return bad(`status must be one of ${PROBATION_STATUSES.join(', ')}`);
		spec = { employmentId, status: status as ProbationStatus, eventId: typeof eventId === 'string' ? eventId : undefined };
		// A forgery changes nothing in Feishu; a genuine delivery follows a real change.
		if (setStatus !== false && (kind === 'signed' || kind === 'plain')) {
			const problem = setProbationStatus(emulator, employmentId, spec.status);
			if (problem) return bad(problem);
		}
	}
	const delivery = buildDelivery(kind as DeliveryKind, secrets, spec);
	try {
		const result = await deliver(url, delivery);
		return { status: 200, body: { ok: true, status: result.status, body: result.body, event_id: result.eventId ?? null, challenge: delivery.challenge ?? null } };
	} catch (error) {
		return bad(`could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`);
	}
}
