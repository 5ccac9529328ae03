/**
 * The Feishu CoreHR Trigger in a real n8n (`n8n start`), webhook mode: a workflow with the
 * trigger is activated (1.x: the editor's activate call, 2.x: `publish:workflow`), and the
 * emulator pushes to http://127.0.0.1:<port>/webhook/<id>/feishu-corehr as Feishu would. The
 * executions are counted and read through n8n's REST API.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_EVENT_SECRETS, eventCredentialFields, PEOPLE_CASES } from '../../dev/emulator';
import type { DeliveryKind, Emulator } from '../../dev/emulator';
import { CUSTOM_TYPE_PREFIX, emulatorCredential } from '../../dev/n8n/examples';
import { N8nInstance, REPO_ROOT, buildWorkflow, freePort, type JsonObject, type N8nInstall } from '../../dev/n8n/runner';
import type { RunScenario } from './scenario';


const WORKFLOW_ID = 'feishuTriggerE2e';
const WEBHOOK_ID = 'feishu-corehr-e2e';
const TRIGGER = 'Feishu CoreHR Trigger';
const OWNER = { email: 'e2e@example.com', firstName: 'E2e', lastName: 'Owner', password: 'FeishuE2e2025' };
const CREDENTIAL = { id: 'feishuTriggerCred', name: 'Feishu CoreHR (trigger)' };

/** n8n's REST API stores run data as "flatted" JSON: an array whose first entry is the root, strings and objects by index. */
export function unflatten(text: string): unknown {
	const input = JSON.parse(text) as unknown[];
	const done = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		const value = input[index];
		if (typeof value !== 'object' || value === null) return value;
		if (done.has(index)) return done.get(index);
		const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
		done.set(index, out);
		for (const [key, child] of Object.entries(value)) (out as Record<string, unknown>)[key] = typeof child === 'string' ? revive(Number(child)) : child;
		return out;
	};
	return revive(0);
}

export class Rest {
	/** 1.x gives a workflow saved through the API an ID of its own. */
	workflowId = WORKFLOW_ID;

	constructor(
		readonly url: string,
		private readonly cookie: string,
	) {}

	static async owner(url: string): Promise<Rest> {
		const res = await fetch(`${url}/rest/owner/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(OWNER) });
		const cookie = /n8n-auth=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
		if (!res.ok || !cookie) throw new Error(`owner setup failed: HTTP ${res.status} ${await res.text()}`);
		return new Rest(url, cookie);
	}

	async get(pathname: string): Promise<JsonObject> {
		const res = await fetch(`${this.url}${pathname}`, { headers: { cookie: this.cookie } });
		if (!res.ok) throw new Error(`GET ${pathname}: HTTP ${res.status} ${await res.text()}`);
		return (await res.json()) as JsonObject;
	}

	/** What the editor does on Save and on the Activate toggle (n8n 1.x). */
	async createAndActivate(workflow: JsonObject): Promise<void> {
		const send = async (pathname: string, body: JsonObject): Promise<JsonObject> => {
			const res = await fetch(`${this.url}${pathname}`, { method: 'POST', headers: { cookie: this.cookie, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
			if (!res.ok) throw new Error(`POST ${pathname}: HTTP ${res.status} ${await res.text()}`);
			return ((await res.json()) as { data: JsonObject }).data;
		};
		const { versionId: _v, pinData: _p, ...fields } = workflow;
		const saved = await send('/rest/workflows', fields);
		this.workflowId = String(saved.id);
		await send(`/rest/workflows/${this.workflowId}/activate`, { versionId: saved.versionId as string });
	}

	/** The workflow's executions, newest first, once none is still running. */
	async executions(): Promise<Array<{ id: string; status: string }>> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId: this.workflowId }));
		for (let i = 0; ; i++) {
			const body = (await this.get(`/rest/executions?filter=${filter}`)).data as { results?: Array<{ id: string; status: string }> };
			const list = body.results ?? [];
			if (list.every((e) => e.status !== 'running' && e.status !== 'new') || i > 60) return list;
			await new Promise((r) => setTimeout(r, 500));
		}
	}

	/** What the trigger node output in one execution. */
	async triggerOutput(id: string): Promise<JsonObject[]> {
		const { data } = (await this.get(`/rest/executions/${id}`)) as { data: { data: string } };
		const run = unflatten(data.data) as { resultData: { runData: Record<string, Array<{ data: { main: Array<Array<{ json: JsonObject }>> } }>> } };
		return run.resultData.runData[TRIGGER]?.[0]?.data.main[0].map((i) => i.json) ?? [];
	}
}

export interface Pushed {
	status: number;
	body: string;
	event_id: string | null;
	challenge: string | null;
}

export async function push(emulator: Emulator, url: string, kind: DeliveryKind, extra: JsonObject = {}): Promise<Pushed> {
	const res = await fetch(`${emulator.url}/__emulator/events`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ url, kind, ...extra }) });
	const answer = (await res.json()) as Pushed & { ok: boolean; error?: string };
	if (!answer.ok) throw new Error(`emulator push: ${answer.error}`);
	return answer;
}

/** Waits (bounded) until n8n has noticed the deliveries: executions are started after the answer. */
async function settledCount(rest: Rest, atLeast: number): Promise<Array<{ id: string; status: string }>> {
	let list = await rest.executions();
	for (let i = 0; list.length < atLeast && i < 40; i++) {
		await new Promise((r) => setTimeout(r, 500));
		list = await rest.executions();
	}
	// A moment more, so a second (wrong) execution would have shown up too.
	await new Promise((r) => setTimeout(r, 1500));
	return await rest.executions();
}

export async function triggerScenarios(version: string, install: N8nInstall, emulator: Emulator, scenario: RunScenario, workDir: string): Promise<void> {
	const n8n = new N8nInstance(install, { extensionPackages: [REPO_ROOT], baseDir: workDir });
	const port = await freePort();
	const logFile = path.join(workDir, `n8n-trigger-${version}.log`);
	let server: Awaited<ReturnType<N8nInstance['start']>> | undefined;
	try {
		await n8n.importCredentials([
			{ ...emulatorCredential(emulator.url, emulator.defaultApp, CREDENTIAL), data: { ...emulatorCredential(emulator.url, emulator.defaultApp).data as JsonObject, ...eventCredentialFields() } },
		]);
		const workflow = buildWorkflow({
			id: WORKFLOW_ID,
			name: 'Feishu CoreHR Trigger (e2e)',
			nodes: [
				{
					name: TRIGGER,
					type: `${CUSTOM_TYPE_PREFIX}feishuCoreHrTrigger`,
					typeVersion: 1,
					webhookId: WEBHOOK_ID,
					parameters: { probationStatuses: ['waiting'] },
					credentials: { feishuCoreHrApi: CREDENTIAL },
				},
				{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1 },
			],
		});
		// 2.x activates on `publish:workflow`. 1.123's CLI cannot activate an imported workflow
		// (import deactivates it; update:workflow --active=true fails on a foreign key to the
		// workflow's history), so there the editor's own calls save and activate it once n8n runs.
		const v1 = version.startsWith('1.');
		if (!v1) {
			const imported = await n8n.importWorkflows([workflow]);
			if (imported.exitCode !== 0) throw new Error(`import failed: ${imported.stderr}`);
			const published = await n8n.run(['publish:workflow', `--id=${WORKFLOW_ID}`]);
			if (published.exitCode !== 0) throw new Error(`publish:workflow failed: ${published.stdout}\n${published.stderr}`);
		}
		server = await n8n.start({ port, logFile });
		await server.waitUntilReady();
		const rest = await Rest.owner(server.url);
		if (v1) await rest.createAndActivate({ ...workflow });
		const hookUrl = `http://127.0.0.1:${port}/webhook/${WEBHOOK_ID}/feishu-corehr`;
		await webhookRegistered(hookUrl);
		const huang = PEOPLE_CASES.leadingZeros;
		const event = (status: string, more: JsonObject = {}) => ({ employment_id: huang.current.employmentId, status, ...more });

		await scenario('trigger (webhook): URL check answered, nothing started', async (s) => {
			const plain = await push(emulator, hookUrl, 'urlCheck');
			const encrypted = await push(emulator, hookUrl, 'urlCheckEncrypted');
			for (const [what, p] of [['plain', plain], ['encrypted', encrypted]] as const) {
				s.check(p.status === 200 && JSON.parse(p.body).challenge === p.challenge, `${what} URL check: HTTP 200 {"challenge"} echoed`, () => `${p.status} ${p.body}`);
			}
			const list = await settledCount(rest, 0);
			s.check(list.length === 0, 'no execution', () => JSON.stringify(list));
		});

		await scenario('trigger (webhook): a signed event starts one execution with the probation and its assessments', async (s) => {
			const p = await push(emulator, hookUrl, 'signed', event('waiting'));
			s.check(p.status === 200, 'HTTP 200', () => `${p.status} ${p.body}`);
			const list = await settledCount(rest, 1);
			s.check(list.length === 1 && list[0].status === 'success', 'exactly one execution, successful', () => JSON.stringify(list));
			const [item] = list.length ? await rest.triggerOutput(list[0].id) : [];
			s.check(item?.eventId === p.event_id && item?.probationStatus === 'waiting', 'its item is the event (event ID, status waiting)', () => JSON.stringify(item));
			const assessments = ((item?.probation as JsonObject | undefined)?.assessments ?? []) as JsonObject[];
			s.check(
				(item?.employee as JsonObject | undefined)?.employeeNumber === huang.employeeNumber &&
					assessments.map((a) => a.assessmentId).sort().join() === [...huang.current.probation!.assessmentIds].sort().join() &&
					item?.finalAssessmentId === huang.current.probation!.finalAssessmentId,
				'enriched: the employee (工号 000123), the probation with its assessments, the final assessment ID',
				() => JSON.stringify(item),
			);
			const text = JSON.stringify(item) + fs.readFileSync(logFile, 'utf8');
			s.check(![DEFAULT_EVENT_SECRETS.encryptKey, DEFAULT_EVENT_SECRETS.verificationToken, emulator.defaultApp.appSecret].some((x) => text.includes(x)), 'no secret in the output or the n8n log');
		});

		await scenario('trigger (webhook): forged requests get 401 and start nothing; a duplicate starts nothing; a filtered status starts nothing', async (s) => {
			for (const kind of ['badSignature', 'staleTimestamp', 'wrongToken', 'plain'] as const) {
				const p = await push(emulator, hookUrl, kind, event('waiting'));
				s.check(p.status === 401, `${kind}: HTTP 401`, () => `${p.status} ${p.body}`);
			}
			const first = await push(emulator, hookUrl, 'signed', event('waiting'));
			const again = await push(emulator, hookUrl, 'signed', event('waiting', { event_id: first.event_id }));
			s.check(first.status === 200 && again.status === 200, 'an event and its redelivery: both HTTP 200');
			const filtered = await push(emulator, hookUrl, 'signed', event('approved'));
			s.check(filtered.status === 200, 'a status outside the filter: HTTP 200');
			const list = await settledCount(rest, 2);
			s.check(list.length === 2, 'one more execution in all (2 since the start): the redelivery, the forgeries and the filtered status started none', () => JSON.stringify(list));
			const outputs = await Promise.all(list.map(async (e) => (await rest.triggerOutput(e.id))[0]?.eventId));
			s.check(outputs.filter((id) => id === first.event_id).length === 1, 'the redelivered event ran once');
		});
	} finally {
		await server?.stop();
		n8n.cleanup();
	}
}

/**
 * n8n reports ready before it has registered the active workflows' webhooks (on a busy machine,
 * seconds later): wait until ours answers anything but 404. The probe is an empty POST, which the
 * trigger refuses (401) without starting an execution.
 */
export async function webhookRegistered(url: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(5000) })
			.then(async (res) => {
				await res.arrayBuffer();
				return res.status;
			})
			.catch(() => 0);
		if (status !== 404 && status !== 0) return;
		if (Date.now() > deadline) throw new Error(`the trigger's webhook ${url} was still not registered after ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

