/**
 * The Feishu CoreHR Trigger's webhook mode inside n8n-core's WebhookContext: the emulator pushes
 * events over real HTTP on 127.0.0.1 as Feishu would (signed and encrypted, plain, forged, URL
 * checks, redeliveries), and the trigger looks the probation up in the emulator.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { DeliveryKind, Emulator } from '../../dev/emulator';
import { DEFAULT_APP, DEFAULT_EVENT_SECRETS, eventCredentialFields, PEOPLE_CASES, PEOPLE_SEED, startEmulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { runFeishu } from '../../dev/harness/n8nCore';
import { leakedSecrets, secretsOf } from '../../dev/harness/secrets';
import type { TriggerWebhook } from '../../dev/harness/webhook';
import { startTriggerWebhook } from '../../dev/harness/webhook';
import { freshCredentials, withEmulator } from '../helpers/emulatorFixture';
import { updateByEmployee } from '../helpers/updateRun';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e) => {
	emulator = e;
	credentials = freshCredentials(e, eventCredentialFields());
}, PEOPLE_SEED);

let hook: TriggerWebhook | undefined;
afterEach(async () => {
	await hook?.close();
	hook = undefined;
});

async function listen(parameters: INodeParameters = {}, helper: MemoryCredentialsHelper = credentials): Promise<TriggerWebhook> {
	hook = await startTriggerWebhook(helper, parameters);
	return hook;
}

interface Pushed {
	status: number;
	body: string;
	event_id: string | null;
	challenge: string | null;
}

/** Asks the emulator (through its admin API) to push to the webhook, as Feishu's servers would. */
async function push(target: { url: string }, kind: DeliveryKind, extra: IDataObject = {}, via: Emulator = emulator): Promise<Pushed> {
	const response = await fetch(`${via.url}/__emulator/events`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ url: target.url, kind, ...extra }),
	});
	const answer = (await response.json()) as Pushed & { ok: boolean; error?: string };
	if (!answer.ok) throw new Error(answer.error);
	return answer;
}

const huang = PEOPLE_CASES.leadingZeros;
const event = (status = 'waiting', more: IDataObject = {}) => ({ employment_id: huang.current.employmentId, status, ...more });
const searches = () => emulator.requests.filter((r) => r.endpoint === 'probationSearch' || r.endpoint === 'employeeSearch');
const outputOf = (h: TriggerWebhook) => h.executions().map((data) => data[0].map((i) => i.json));

describe('a genuine event', () => {
	it('answers 200 and starts one execution with the event, the employee and the probation with its assessments', async () => {
		const h = await listen();
		const pushed = await push(h, 'signed', event('waiting'));
		expect(pushed.status).toBe(200);
		await h.settled(1);
		const [[item]] = outputOf(h);
		expect(item).toMatchObject({
			eventId: pushed.event_id,
			eventType: 'corehr.probation.updated_v2',
			employmentId: huang.current.employmentId,
			probationStatus: 'waiting',
			probationStatusLabel: 'Waiting',
			employee: { employmentId: huang.current.employmentId, employeeNumber: '000123', employeeName: huang.localName },
			probation: { employmentId: huang.current.employmentId, probationStatus: 'waiting' },
			finalAssessmentId: huang.current.probation!.finalAssessmentId,
		});
		expect(item.enrichmentError).toBeUndefined();
		const assessments = (item.probation as IDataObject).assessments as IDataObject[];
		expect(assessments.map((a) => a.assessmentId).sort()).toEqual([...huang.current.probation!.assessmentIds].sort());
		expect(assessments.every((a) => typeof a.isFinalAssessment === 'boolean')).toBe(true);
		// The lookup asked Feishu by CoreHR's own employment ID.
		expect(searches().map((r) => r.query.user_id_type)).toEqual(['people_corehr_id', 'people_corehr_id']);
	});

	it('shows the employee under the keys the action node uses for who it wrote', async () => {
		const h = await listen();
		await push(h, 'signed', event('waiting'));
		await h.settled(1);
		const [[item]] = outputOf(h);
		const employee = item.employee as IDataObject;
		expect(Object.keys(employee).sort()).toEqual(['employeeName', 'employeeNumber', 'employmentId', 'employmentStatus', 'employmentStatusLabel', 'workEmail']);
		// The same person written by Update (found by the event's employment ID) is named by the same keys and values.
		const written = await runFeishu(credentials, [{ key: huang.current.employmentId, final: 'keep', result: 'Pass', comment: 'from the trigger' }], updateByEmployee('id'));
		const out = written.items[0].json;
		expect(out.error).toBeUndefined();
		expect(Object.fromEntries(Object.keys(employee).map((key) => [key, out[key]]))).toEqual(employee);
	});

	it('shows the probation as Feishu holds it now: a status change in the emulator reaches the output', async () => {
		const h = await listen();
		await push(h, 'signed', event('approved'));
		await h.settled(1);
		const [[item]] = outputOf(h);
		expect(item.probationStatus).toBe('approved');
		expect((item.probation as IDataObject).probationStatus).toBe('approved');
		expect(emulator.probations.get(huang.current.employmentId)!.probation_status).toBe('approved');
	});

	it('accepts plain events when the credential has only a Verification Token', async () => {
		const h = await listen({}, freshCredentials(emulator, { verificationToken: DEFAULT_EVENT_SECRETS.verificationToken }));
		expect((await push(h, 'plain', event())).status).toBe(200);
		await h.settled(1);
		expect(h.executions()).toHaveLength(1);
	});

	it('keeps the Encrypt Key, the Verification Token and the app secret out of everything it hands on', async () => {
		const h = await listen();
		await push(h, 'signed', event());
		await push(h, 'badSignature', event());
		await push(h, 'urlCheckEncrypted');
		await h.settled(3);
		const secrets = secretsOf(emulator, [DEFAULT_EVENT_SECRETS.encryptKey, DEFAULT_EVENT_SECRETS.verificationToken]);
		expect(leakedSecrets([h.deliveries, h.storedStaticData], secrets)).toEqual([]);
	});
});

describe("Feishu's URL check", () => {
	it.each(['urlCheck', 'urlCheckEncrypted'] as const)('%s: answers {challenge} and starts nothing', async (kind) => {
		const h = await listen();
		const pushed = await push(h, kind);
		expect(pushed.status).toBe(200);
		expect(JSON.parse(pushed.body)).toEqual({ challenge: pushed.challenge });
		await h.settled(1);
		expect(h.executions()).toHaveLength(0);
	});
});

describe('forged requests', () => {
	it.each(['badSignature', 'staleTimestamp', 'wrongToken', 'wrongKey', 'plain'] as const)('%s: 401, no execution, nothing looked up', async (kind) => {
		const h = await listen();
		const pushed = await push(h, kind, event('waiting'));
		expect(pushed.status).toBe(401);
		await h.settled(1);
		expect(h.executions()).toHaveLength(0);
		expect(searches()).toHaveLength(0);
		// A forgery cannot use up an event ID: the genuine delivery of the same ID still starts one.
		expect((await push(h, 'signed', event('waiting', { event_id: pushed.event_id }))).status).toBe(200);
		await h.settled(2);
		expect(h.executions()).toHaveLength(1);
	});

	it('refuses everything when the credential has neither an Encrypt Key nor a Verification Token', async () => {
		const h = await listen({}, freshCredentials(emulator));
		expect((await push(h, 'plain', event())).status).toBe(401);
		expect((await push(h, 'urlCheck')).status).toBe(401);
		await h.settled(2);
		expect(h.executions()).toHaveLength(0);
	});
});

describe('duplicates', () => {
	it('starts one execution for an event delivered twice', async () => {
		const h = await listen();
		const first = await push(h, 'signed', event());
		const again = await push(h, 'signed', event('waiting', { event_id: first.event_id }));
		expect(again.status).toBe(200);
		await h.settled(2);
		expect(h.executions()).toHaveLength(1);
		// Another event of the same probation is not a duplicate.
		await push(h, 'signed', event());
		await h.settled(3);
		expect(h.executions()).toHaveLength(2);
	});

	it('starts one execution when the same event arrives twice at the same moment', async () => {
		const h = await listen();
		const id = 'ev-concurrent-0001';
		const answers = await Promise.all([1, 2, 3].map(async () => await push(h, 'signed', event('waiting', { event_id: id }))));
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
		await h.settled(3);
		expect(h.executions()).toHaveLength(1);
		expect(JSON.stringify(h.storedStaticData)).toContain(id);
	});
});

describe('options', () => {
	it('starts nothing for a status outside Probation Statuses, and one for a status inside', async () => {
		const h = await listen({ probationStatuses: ['waiting'] });
		expect((await push(h, 'signed', event('approved'))).status).toBe(200);
		await push(h, 'signed', event('waiting'));
		await h.settled(2);
		expect(outputOf(h).map(([item]) => item.probationStatus)).toEqual(['waiting']);
	});

	it('with Enrich off, outputs the event alone and asks Feishu nothing', async () => {
		const h = await listen({ enrich: false });
		const pushed = await push(h, 'signed', event());
		await h.settled(1);
		expect(outputOf(h)).toEqual([[{
			eventId: pushed.event_id,
			eventType: 'corehr.probation.updated_v2',
			createdAt: expect.any(String) as unknown,
			employmentId: huang.current.employmentId,
			probationStatus: 'waiting',
			probationStatusLabel: 'Waiting',
			appId: DEFAULT_APP.appId,
			tenantKey: 'emulator-tenant',
		}]]);
		expect(searches()).toHaveLength(0);
	});
});

describe('when the lookup fails', () => {
	const NO_READ = { appId: 'cli_noprobationread01', appSecret: 'no-probation-read-secret-4c8e2a', missingScopes: ['corehr:probation:read', 'corehr:probation:write', 'corehr:employee:read', 'corehr:employee:write'] };
	let scoped: Emulator;
	beforeAll(async () => {
		scoped = await startEmulator({ seed: PEOPLE_SEED, apps: [DEFAULT_APP, NO_READ] });
	});
	afterAll(async () => await scoped.close());

	it('still starts the execution with the event, and says in enrichmentError what went wrong', async () => {
		const h = await listen({}, freshCredentials(scoped, { ...NO_READ, ...eventCredentialFields() }));
		const pushed = await push(h, 'signed', event(), scoped);
		expect(pushed.status).toBe(200);
		await h.settled(1);
		const [[item]] = outputOf(h);
		expect(item).toMatchObject({ eventId: pushed.event_id, employmentId: huang.current.employmentId, probationStatus: 'waiting', probation: null, employee: null, finalAssessmentId: null });
		expect(item.enrichmentError).toContain('missing scope corehr:probation:read');
		expect(item.enrichmentError).toContain('corehr:employee:read');
		expect(leakedSecrets(h.deliveries, secretsOf(scoped, [NO_READ.appSecret, DEFAULT_EVENT_SECRETS.encryptKey]))).toEqual([]);
	});
});
