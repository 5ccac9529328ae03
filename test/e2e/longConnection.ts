/**
 * End-to-end: the Feishu CoreHR Trigger in Persistent-connection mode inside a real `n8n start`,
 * against the emulator's long-connection endpoint and socket on loopback. Part of `npm run
 * test:e2e` (e2e.ts calls longConnectionScenarios); alone:
 *
 *   npm run build && npx tsx test/e2e/longConnection.ts      (N8N_E2E_VERSIONS=2.41.0,1.123.0)
 *
 * n8n 2.x (Node 24, global WebSocket):
 *   activate      the workflow is activated through n8n's REST API (as the editor does); the
 *                 emulator sees one connection
 *   event         an event pushed by the emulator → one successful execution holding it; ack 200
 *   duplicate     the same event_id redelivered → acknowledged, no second execution
 *   drop          the emulator cuts the socket → the trigger reconnects; the next event → one execution
 *   deactivate    deactivating leaves no socket in the emulator
 * n8n 1.x on Node 20 (no global WebSocket):
 *   activation    refused with the plain "needs Node.js 22" message; Feishu never asked
 * Alone it ends with `long connection e2e: N passed, M failed`; exit code 1 when anything failed.
 */
import * as path from 'node:path';

import { PEOPLE_SEED, startEmulator } from '../../dev/emulator';
import type { Emulator } from '../../dev/emulator';
import { CUSTOM_TYPE_PREFIX, emulatorCredential } from '../../dev/n8n/examples';
import { buildWorkflow, ensureN8n, freePort, N8nInstance, n8nVersionsUnderTest, REPO_ROOT } from '../../dev/n8n/runner';
import type { JsonObject, N8nInstall, N8nServer } from '../../dev/n8n/runner';
import type { RunScenario, ScenarioResult } from './scenario';
import { scenarioRunner, setupFailed } from './scenario';

const WORKFLOW_ID = 'lcTrigger1';
const OWNER = { email: 'e2e@example.com', firstName: 'E2e', lastName: 'Owner', password: 'FeishuE2e2025x' };
const CREDENTIAL = { id: 'lcCred1', name: 'Feishu (emulator, persistent connection)' };
const WAIT_MS = 60_000;

const show = (value: unknown) => (): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

/** Polls `probe` until it returns something other than undefined (or the deadline passes). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = WAIT_MS): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

class Rest {
	constructor(
		readonly url: string,
		private cookie = '',
	) {}

	async setUpOwner(): Promise<void> {
		const res = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		const match = /n8n-auth=[^;]+/.exec(res.headers.get('set-cookie') ?? '');
		if (!res.ok || !match) throw new Error(`owner setup failed: HTTP ${res.status} ${await res.text()}`);
		this.cookie = match[0];
	}

	async call(method: string, pathname: string, body?: unknown): Promise<{ status: number; json: JsonObject }> {
		const res = await fetch(`${this.url}/rest${pathname}`, {
			method,
			headers: { cookie: this.cookie, 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		let json: JsonObject = {};
		try {
			json = JSON.parse(text) as JsonObject;
		} catch {
			json = { text };
		}
		return { status: res.status, json };
	}

	/**
	 * Activates as the editor does: publishes the saved version (POST …/activate).
	 */
	async activate(id: string, major: number): Promise<{ status: number; json: JsonObject }> {
		const wf = await this.call('GET', `/workflows/${id}`);
		const versionId = (wf.json.data as JsonObject | undefined)?.versionId;
		if (major >= 2) return await this.call('POST', `/workflows/${id}/activate`, { versionId });
		// 1.x activates a version from the workflow's history, which a CLI import does not write:
		// save once from the editor's side first.
		const name = (wf.json.data as JsonObject | undefined)?.name;
		const saved = await this.call('PATCH', `/workflows/${id}`, { name: `${String(name)} (saved)`, versionId });
		const savedVersion = (saved.json.data as JsonObject | undefined)?.versionId;
		return await this.call('POST', `/workflows/${id}/activate`, { versionId: savedVersion });
	}

	async executions(workflowId: string): Promise<JsonObject[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const { json } = await this.call('GET', `/executions?filter=${filter}`);
		const data = json.data as JsonObject | undefined;
		const list = (data?.results ?? json.data) as unknown;
		return Array.isArray(list) ? (list as JsonObject[]) : [];
	}

	async execution(id: string): Promise<string> {
		return JSON.stringify((await this.call('GET', `/executions/${id}`)).json);
	}
}

function envelope(emulator: Emulator, eventId: string, employmentId: string): JsonObject {
	return {
		schema: '2.0',
		header: {
			event_id: eventId,
			event_type: 'corehr.probation.updated_v2',
			create_time: String(Date.now()),
			token: '',
			app_id: emulator.defaultApp.appId,
			tenant_key: 'tenant-e2e',
		},
		event: { employment_id: employmentId, probation_status: 'waiting', actual_probation_end_date: '2026-12-31' },
	};
}

async function withN8n(
	install: N8nInstall,
	workDir: string | undefined,
	body: (ctx: { emulator: Emulator; rest: Rest; server: N8nServer; instance: N8nInstance }) => Promise<void>,
): Promise<void> {
	const emulator = await startEmulator({ seed: PEOPLE_SEED });
	// Heal drops in about a second instead of Feishu's 0–30 s.
	emulator.longConnection.setClientConfig({ ReconnectNonce: 0, ReconnectInterval: 1 });
	const instance = new N8nInstance(install, { extensionPackages: [REPO_ROOT], ...(workDir ? { baseDir: workDir } : {}) });
	let server: N8nServer | undefined;
	try {
		await instance.importCredentials([emulatorCredential(emulator.url, emulator.defaultApp, CREDENTIAL)]);
		await instance.importWorkflows([
			buildWorkflow({
				id: WORKFLOW_ID,
				name: 'Probation trigger (persistent connection)',
				nodes: [
					{
						name: 'Feishu CoreHR Trigger',
						type: `${CUSTOM_TYPE_PREFIX}feishuCoreHrTrigger`,
						typeVersion: 1,
						parameters: { mode: 'persistentConnection', probationStatuses: [], enrich: true },
						credentials: { feishuCoreHrApi: CREDENTIAL },
					},
					{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1 },
				],
			}),
		]);
		server = await instance.start({ port: await freePort(), logFile: path.join(instance.rootDir, 'n8n.log') });
		await server.waitUntilReady();
		const rest = new Rest(server.url);
		await rest.setUpOwner();
		await body({ emulator, rest, server, instance });
	} finally {
		await server?.stop();
		await emulator.close();
		instance.cleanup();
	}
}

/** The scenarios for one n8n version, each reported through `scenario` (e2e.ts's, or main's below). */
export async function longConnectionScenarios(version: string, install: N8nInstall, scenario: RunScenario, workDir?: string): Promise<void> {
	await withN8n(install, workDir, async ({ emulator, rest }) => {
		const lc = emulator.longConnection;
		if (version.startsWith('1.')) {
			await scenario('persistent connection on Node 20: activation refused with the plain Node.js 22 message', async (s) => {
				const activated = await rest.activate(WORKFLOW_ID, 1);
				const text = JSON.stringify(activated.json);
				s.check(activated.status >= 400, `activation refused: HTTP ${activated.status} ${String(activated.json.message ?? '')}`, show(activated));
				s.check(
					/Persistent connection needs Node\.js 22 or newer/.test(text) && text.includes('use Webhook mode or upgrade n8n'),
					'the message says Node.js 22 or newer, Webhook mode or an upgrade',
					() => text,
				);
				s.check(lc.endpointCalls.length === 0, 'Feishu is not asked for a connection', show(lc.endpointCalls));
				s.check(!text.includes(emulator.defaultApp.appSecret), 'the answer holds no secret');
			});
			return;
		}
		const [employmentId] = [...emulator.probations.keys()];
		await scenario('persistent connection: activation opens one connection', async (s) => {
			const activated = await rest.activate(WORKFLOW_ID, 2);
			s.check(activated.status === 200, 'activation through the REST API succeeds', show(activated.json));
			await eventually('a connection', () => (lc.connections().length === 1 ? true : undefined));
			s.check(lc.endpointCalls.length === 1 && lc.endpointCalls[0].code === 0, 'one endpoint call, credentials accepted', show(lc.endpointCalls));
		});
		const first = lc.push(envelope(emulator, 'ev-e2e-1', employmentId));
		await scenario('persistent connection: an event → one execution, acknowledged with code 200', async (s) => {
			const ack = await eventually('the ack of event 1', () => lc.acks.find((a) => a.messageId === first.messageId));
			s.check(ack.code === 200, 'acknowledged with code 200', show(ack));
			const runs = await eventually('one execution', async () => {
				const list = await rest.executions(WORKFLOW_ID);
				return list.length >= 1 && list.every((e) => e.status === 'success') ? list : undefined;
			});
			s.check(runs.length === 1, 'exactly one successful execution', show(runs));
			const data = await rest.execution(String(runs[0].id));
			s.check(data.includes('ev-e2e-1') && data.includes(employmentId), "it holds the event and the probation's employment", () => data.slice(0, 400));
		});
		await scenario('persistent connection: a redelivery (same event_id) is acknowledged and starts nothing; a drop heals', async (s) => {
			const again = lc.redeliver(first.messageId);
			const ack = await eventually('the ack of the redelivery', () => lc.acks.find((a) => a.messageId === again.messageId));
			s.check(ack.code === 200, 'the redelivery is acknowledged', show(ack));
			lc.drop({ how: 'terminate' });
			await eventually('the reconnection', () => (lc.connections().length === 1 && lc.endpointCalls.length === 2 ? true : undefined));
			s.check(true, 'after the emulator cut the socket the trigger reconnected with a fresh endpoint call');
			const second = lc.push(envelope(emulator, 'ev-e2e-2', employmentId));
			await eventually('the ack of event 2', () => lc.acks.find((a) => a.messageId === second.messageId));
			// Keyed by event ID: wait for the execution holding event 2 (pushed after the redelivery), then
			// count the executions holding each event, so a redelivery that did run is seen.
			const held = await eventually('the execution of event 2', async () => {
				const list = await rest.executions(WORKFLOW_ID);
				const data = await Promise.all(list.map(async (e) => ({ status: e.status, data: await rest.execution(String(e.id)) })));
				return data.some((e) => e.data.includes('ev-e2e-2') && e.status === 'success') ? data : undefined;
			});
			const holding = (eventId: string) => held.filter((e) => e.data.includes(eventId)).length;
			s.check(holding('ev-e2e-1') === 1, 'the redelivered event 1 ran exactly once', show(held.map((e) => e.status)));
			s.check(holding('ev-e2e-2') === 1 && held.length === 2, 'the next event → one more execution; the redelivery started none', show(held.length));
		});
		await scenario('persistent connection: deactivation leaves no socket', async (s) => {
			const deactivated = await rest.call('POST', `/workflows/${WORKFLOW_ID}/deactivate`, {});
			s.check(deactivated.status === 200, 'deactivation through the REST API succeeds', show(deactivated.json));
			await eventually('no connection', () => (lc.connections().length === 0 ? true : undefined), 15_000);
			s.check(lc.connections().length === 0, 'the emulator holds no socket');
		});
	});
}

async function main(): Promise<void> {
	const results: ScenarioResult[] = [];
	for (const version of n8nVersionsUnderTest()) {
		console.log(`\n== n8n ${version}: Feishu CoreHR Trigger, persistent connection`);
		try {
			await longConnectionScenarios(version, ensureN8n(version), scenarioRunner(results, `n8n ${version}`));
		} catch (error) {
			setupFailed(results, `n8n ${version}`, error);
		}
	}
	const failed = results.filter((r) => !r.passed).length;
	console.log(`\nlong connection e2e: ${results.length - failed} passed, ${failed} failed`);
	process.exitCode = failed > 0 || results.length === 0 ? 1 : 0;
}

if (require.main === module) void main();
