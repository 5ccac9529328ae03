/**
 * The trigger's pure event handling — decryption, signature, token, timestamps, parsing, status
 * filter, dedupe — against requests built by the emulator's independent implementation of
 * Feishu's push (dev/emulator/events.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import type { DeliveryKind } from '../../dev/emulator';
import { DEFAULT_EVENT_SECRETS, buildDelivery, probationEnvelope } from '../../dev/emulator';
import { claimEvent, readSeen } from '../../nodes/FeishuCoreHrTrigger/events/dedupe';
import { decryptEvent, eventSignature } from '../../nodes/FeishuCoreHrTrigger/events/crypto';
import { parseProbationEvent, statusWanted } from '../../nodes/FeishuCoreHrTrigger/events/probationEvent';
import type { EventSecrets } from '../../nodes/FeishuCoreHrTrigger/events/request';
import { verifyRequest } from '../../nodes/FeishuCoreHrTrigger/events/request';
import { acceptEnvelope, claimOnce } from '../../nodes/FeishuCoreHrTrigger/handler';

const secrets: EventSecrets = { ...DEFAULT_EVENT_SECRETS };
const spec = { employmentId: '7140964208476371111', status: 'waiting' as const, actualProbationEndDate: '2026-12-01' };

function verdictOf(kind: DeliveryKind, given: EventSecrets = secrets, nowMs = Date.now()) {
	const d = buildDelivery(kind, secrets, kind.startsWith('urlCheck') ? undefined : spec, nowMs);
	return { delivery: d, verdict: verifyRequest({ rawBody: Buffer.from(d.body), body: JSON.parse(d.body), headers: d.headers }, given, nowMs) };
}

describe('decryption and signature', () => {
	it("decrypts what Feishu encrypts with the Encrypt Key (AES-256-CBC, key SHA-256 of it, IV in front)", () => {
		const { delivery } = verdictOf('signed');
		const plain = JSON.parse(decryptEvent(secrets.encryptKey, (JSON.parse(delivery.body) as { encrypt: string }).encrypt)) as IDataObject;
		expect((plain.event as IDataObject).employment_id).toBe(spec.employmentId);
	});

	it('says a wrong key failed without any key material in the message', () => {
		const { delivery } = verdictOf('signed');
		const encrypted = (JSON.parse(delivery.body) as { encrypt: string }).encrypt;
		expect(() => decryptEvent('another-key', encrypted)).toThrow('the body does not decrypt with the Encrypt Key');
		expect(() => decryptEvent(secrets.encryptKey, 'bm90IGRhdGE=')).toThrow('not AES-256-CBC data');
	});

	it('computes X-Lark-Signature over timestamp + nonce + key + the raw bytes', () => {
		const { delivery } = verdictOf('signed');
		const h = delivery.headers;
		expect(eventSignature(h['X-Lark-Request-Timestamp'], h['X-Lark-Request-Nonce'], secrets.encryptKey, Buffer.from(delivery.body))).toBe(h['X-Lark-Signature']);
		// One byte more (a re-serialised body, say) and it no longer matches.
		expect(eventSignature(h['X-Lark-Request-Timestamp'], h['X-Lark-Request-Nonce'], secrets.encryptKey, `${delivery.body} `)).not.toBe(h['X-Lark-Signature']);
	});
});

describe('verifying a request', () => {
	it('accepts a signed, encrypted event and hands over its envelope', () => {
		const { verdict } = verdictOf('signed');
		expect(verdict.kind).toBe('event');
		expect(verdict.kind === 'event' && (verdict.envelope.event as IDataObject).probation_status).toBe('waiting');
	});

	it('answers the URL check, plain or encrypted, with its challenge', () => {
		for (const kind of ['urlCheck', 'urlCheckEncrypted'] as const) {
			const { delivery, verdict } = verdictOf(kind);
			expect(verdict).toEqual({ kind: 'urlCheck', challenge: delivery.challenge });
		}
		// A plain URL check is what Feishu sends to an app without an Encrypt Key.
		const plainOnly = verdictOf('urlCheck', { encryptKey: '', verificationToken: secrets.verificationToken });
		expect(plainOnly.verdict.kind).toBe('urlCheck');
		// With only an Encrypt Key, a plain check proves nothing and is refused.
		expect(verdictOf('urlCheck', { encryptKey: secrets.encryptKey, verificationToken: '' }).verdict.kind).toBe('rejected');
	});

	it.each([
		['badSignature', 'the X-Lark-Signature does not match'],
		['staleTimestamp', 'the request timestamp is more than 5 minutes off'],
		['wrongToken', 'the event carries a wrong Verification Token'],
		['wrongKey', 'the body does not decrypt with the Encrypt Key'],
		['plain', 'the body is not encrypted, but an Encrypt Key is set'],
	] as const)('refuses a %s request: %s', (kind, reason) => {
		const { verdict } = verdictOf(kind);
		expect(verdict.kind).toBe('rejected');
		expect(verdict.kind === 'rejected' && verdict.reason).toContain(reason);
		expect(JSON.stringify(verdict)).not.toContain(secrets.encryptKey);
		expect(JSON.stringify(verdict)).not.toContain(secrets.verificationToken);
	});

	it('refuses a URL check with a wrong token, and a signed event whose headers were stripped', () => {
		const wrong = verdictOf('urlCheck', { encryptKey: '', verificationToken: 'another-token' });
		expect(wrong.verdict).toEqual({ kind: 'rejected', reason: 'the URL check carries a wrong Verification Token' });
		const { delivery } = verdictOf('signed');
		const stripped = verifyRequest({ rawBody: Buffer.from(delivery.body), body: {}, headers: { 'content-type': 'application/json' } }, secrets, Date.now());
		expect(stripped.kind).toBe('rejected');
	});

	it('refuses a signed event when n8n gave no raw body, rather than guessing the signed bytes', () => {
		const { delivery } = verdictOf('signed');
		const verdict = verifyRequest({ rawBody: undefined, body: JSON.parse(delivery.body), headers: delivery.headers }, secrets, Date.now());
		expect(verdict).toEqual({ kind: 'rejected', reason: 'n8n did not hand over the raw request body, so the signature cannot be checked' });
	});

	it('checks only the token for plain events when no Encrypt Key is set', () => {
		const noKey = { encryptKey: '', verificationToken: secrets.verificationToken };
		expect(verdictOf('plain', noKey).verdict.kind).toBe('event');
		const forged = buildDelivery('plain', { ...secrets, verificationToken: 'guess' }, spec);
		expect(verifyRequest({ rawBody: Buffer.from(forged.body), body: {}, headers: forged.headers }, noKey, Date.now()).kind).toBe('rejected');
		// An encrypted body the node cannot read is refused too.
		expect(verdictOf('signed', noKey).verdict).toEqual({ kind: 'rejected', reason: 'the body is encrypted, but the credential has no Encrypt Key' });
	});

	it('trusts nothing when the credential has neither value', () => {
		expect(verdictOf('plain', { encryptKey: '', verificationToken: '' }).verdict.kind).toBe('rejected');
		expect(verdictOf('urlCheck', { encryptKey: '', verificationToken: '' }).verdict.kind).toBe('rejected');
	});

	it('accepts a timestamp within five minutes either way of our clock', () => {
		const now = Date.now();
		expect(verdictOf('signed', secrets, now).verdict.kind).toBe('event');
		const d = buildDelivery('signed', secrets, spec, now - 4 * 60 * 1000);
		expect(verifyRequest({ rawBody: Buffer.from(d.body), body: {}, headers: d.headers }, secrets, now).kind).toBe('event');
		const future = buildDelivery('signed', secrets, spec, now + 6 * 60 * 1000);
		expect(verifyRequest({ rawBody: Buffer.from(future.body), body: {}, headers: future.headers }, secrets, now).kind).toBe('rejected');
	});
});

describe('reading the event', () => {
	it('turns the envelope into the fields a workflow uses', () => {
		const envelope = probationEnvelope({ ...spec, eventId: 'ev-1', createTimeMs: Date.UTC(2026, 10, 24, 8) }, 'tok');
		expect(parseProbationEvent(envelope as IDataObject)).toEqual({
			event: {
				eventId: 'ev-1',
				eventType: 'corehr.probation.updated_v2',
				createdAt: '2026-11-24T08:00:00.000Z',
				employmentId: spec.employmentId,
				probationStatus: 'waiting',
				probationStatusLabel: 'Waiting',
				actualProbationEndDate: '2026-12-01',
				appId: 'cli_a1b2c3d4e5f6a7b8',
				tenantKey: 'emulator-tenant',
			},
		});
	});

	it('ignores other event types and envelopes without an event ID or employment', () => {
		const envelope = probationEnvelope(spec, 'tok') as IDataObject;
		expect(parseProbationEvent({ ...envelope, header: { ...(envelope.header as IDataObject), event_type: 'corehr.employee.created_v1' } })).toEqual({
			ignored: 'event type corehr.employee.created_v1 is not corehr.probation.updated_v2',
		});
		expect(parseProbationEvent({ ...envelope, header: { ...(envelope.header as IDataObject), event_id: '' } })).toEqual({ ignored: 'the event has no header.event_id' });
		expect('ignored' in parseProbationEvent({ ...envelope, event: {} })).toBe(true);
	});

	it('filters by status; an empty filter lets every status through', () => {
		const { event } = parseProbationEvent(probationEnvelope(spec, 'tok') as IDataObject) as { event: Parameters<typeof statusWanted>[0] };
		expect(statusWanted(event, [])).toBe(true);
		expect(statusWanted(event, ['waiting', 'approved'])).toBe(true);
		expect(statusWanted(event, ['converted'])).toBe(false);
	});
});

describe('dedupe', () => {
	it('accepts an event ID once, and again only after it has aged out', () => {
		const seen = readSeen(undefined);
		const limits = { maxIds: 10, maxAgeMs: 1000 };
		expect(claimEvent(seen, 'a', 0, limits)).toBe(true);
		expect(claimEvent(seen, 'a', 500, limits)).toBe(false);
		expect(claimEvent(seen, 'a', 1501, limits)).toBe(true);
	});

	it('keeps at most maxIds, dropping the oldest', () => {
		const seen = readSeen({ ids: [] });
		const limits = { maxIds: 3, maxAgeMs: 1e9 };
		for (const id of ['a', 'b', 'c', 'd']) claimEvent(seen, id, 1, limits);
		expect(seen.ids.map(([id]) => id)).toEqual(['b', 'c', 'd']);
		expect(claimEvent(seen, 'a', 2, limits)).toBe(true);
	});

	it('reads a store of an older shape or garbage as empty', () => {
		expect(readSeen({ ids: [['x', 1], 'junk', [2, 3]] }).ids).toEqual([['x', 1]]);
		expect(readSeen('nonsense').ids).toEqual([]);
	});

	it('sees a duplicate that arrives while the stored data is still the old copy (two deliveries at once)', () => {
		// n8n hands each request its own copy of the static data read from the database.
		const copyA: IDataObject = {};
		const copyB: IDataObject = {};
		expect(claimOnce('wf|n|live', copyA, 'ev-9', 1)).toBe(true);
		expect(claimOnce('wf|n|live', copyB, 'ev-9', 2)).toBe(false);
		// A test run ("listen for test event") keeps its own list.
		expect(claimOnce('wf|n|test', {}, 'ev-9', 3)).toBe(true);
	});

	it('sees a duplicate recorded before a restart, through the stored static data', () => {
		const stored: IDataObject = {};
		expect(claimOnce('wf-r|n|live', stored, 'ev-r', 1)).toBe(true);
		const afterRestart = JSON.parse(JSON.stringify(stored)) as IDataObject;
		expect(claimOnce('wf-other-process|n|live', afterRestart, 'ev-r', 2)).toBe(false);
	});

	it('claims only events the trigger reacts to', () => {
		const envelope = probationEnvelope({ ...spec, eventId: 'ev-f' }, 'tok') as IDataObject;
		const claimed: string[] = [];
		const claim = (id: string) => (claimed.push(id), true);
		expect(acceptEnvelope(envelope, { statuses: ['converted'], enrich: true }, claim)).toEqual({
			skipped: 'event ev-f: probation status "waiting" is not among the statuses the trigger reacts to',
		});
		expect(claimed).toEqual([]);
		expect('event' in acceptEnvelope(envelope, { statuses: [], enrich: true }, claim)).toBe(true);
		expect(claimed).toEqual(['ev-f']);
	});
});
