/**
 * `npm run test:queue`: the built package in n8n 2.41 **queue mode** — PostgreSQL, Redis, one main
 * (`n8n start`), two `n8n worker` processes — against the Feishu emulator with Feishu's real write
 * limit (100 per 60 s per app, sliding window), on loopback, everything started here and stopped at
 * the end (also on failure or Ctrl-C).
 *
 *   npm run build && npx tsx test/e2e/queue.ts      (npm run test:queue)
 *
 * Machine: Debian's `postgresql` and `redis-server` (installed with apt-get when missing and we are
 * root, as on CI), n8n 2.41.0 on Node 24 from the cache (scripts/n8n/install.sh installs it once).
 *
 * Scenarios (one Feishu app, one credential, the emulator's generated people of seed 500):
 *   three sheets   one webhook-triggered workflow (Webhook → Split Out → Feishu CoreHR Update by
 *                  employee number, the node of examples/spreadsheet-to-assessments.json as the
 *                  file has it: Requests in Parallel at its default, 50) posted three 100-row sheets at once. Every row applied exactly once (emulator's write
 *                  log), no error items, every execution succeeded on a worker (not the main);
 *                  prints utilisation of the 100/min window and the 429s Feishu answered.
 *   worker crash   a 200-row sheet of Create (one new assessment per employee); the worker running
 *                  it is killed (SIGKILL, its whole process group) once 100 assessments exist.
 *                  The execution must end crashed/error with rows missing. Then what a user does:
 *                  Retry from the executions list (POST /rest/executions/<id>/retry with the
 *                  owner's session); if rows are still missing after it — n8n 2.41 replaces a
 *                  stalled job's execution data with the error, so its retry has nothing to run —
 *                  the same sheet is sent again. In the end every employee must have exactly one
 *                  new assessment: every row written, no assessment created twice.
 * Ends with `test:queue: N passed, M failed` and the runtime; exit code 1 when anything failed.
 * N8N_E2E_KEEP=1 keeps the temp dir (logs of every process) for a look afterwards; QUEUE_ONLY=sheets
 * or QUEUE_ONLY=crash runs one scenario.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';

import { generatedPerson, startEmulator } from '../../dev/emulator';
import type { Emulator, RequestLogEntry } from '../../dev/emulator/types';
import { CUSTOM_TYPE_PREFIX, EXAMPLE_CREDENTIAL, FEISHU_NODE_VERSION, emulatorCredential, loadExample, withTypePrefix } from '../../dev/n8n/examples';
import { ensureN8n, freePort, N8nInstance, REPO_ROOT, type JsonObject, type N8nInstall, type N8nServer } from '../../dev/n8n/runner';
import { GroupProcess } from '../../dev/n8n/groupProcess';
import type { ScenarioResult } from './scenario';
import { scenarioRunner } from './scenario';
import {
	ensureDebianPackages,
	installCleanupHandlers,
	startPostgres,
	startRedis,
	stopAllServices,
	track,
	untrack,
	type Stoppable,
} from '../../dev/n8n/services';

const N8N_VERSION = '2.41.0';
/** Feishu's documented write limit per app: 100 per minute. The emulator enforces it as a sliding window. */
const WRITE_LIMIT = { limit: 100, windowMs: 60_000 };
/** employees/search's documented limit (the emulator counts every read in this window: stricter than Feishu). */
const READ_LIMIT = { limit: 100, windowMs: 60_000 };
const SEED = 500;
const SHEETS = 3;
const SHEET_ROWS = 100;
const CRASH_ROWS = 200;
const KILL_AFTER = 100;
/** Fixed, so every process of the cluster reads the credentials the others wrote (any value works; it is a test). */
const ENCRYPTION_KEY = 'queue-mode-e2e-0f3c9a7d2b6e41c8';
const OWNER = { email: 'owner@example.com', firstName: 'Queue', lastName: 'Owner', password: 'QueueMode2026' };

const UPDATE_WORKFLOW_ID = 'queueSheets';
const CREATE_WORKFLOW_ID = 'queueCreate';
const UPDATE_PATH = 'probation-sheet';
const CREATE_PATH = 'probation-new-reviews';
const FEISHU_NODE = 'Feishu CoreHR';

const t0 = Date.now();
const secondsSince = (t: number): string => `${((Date.now() - t) / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function log(line: string): void {
	console.log(`[queue +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const results: ScenarioResult[] = [];
const scenario = scenarioRunner(results, `n8n ${N8N_VERSION} queue mode`);

// ---------------------------------------------------------------------------------------------
// HTTP (node:http: a retry answers only when the retried execution has finished, minutes later,
// longer than fetch's default header timeout)
// ---------------------------------------------------------------------------------------------

interface HttpAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	json?: unknown;
}

function request(method: string, url: string, options: { cookie?: string; body?: unknown; timeoutMs?: number } = {}): Promise<HttpAnswer> {
	return new Promise((resolve, reject) => {
		const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
		const req = http.request(
			url,
			{
				method,
				headers: {
					accept: 'application/json',
					...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
					...(options.cookie ? { cookie: options.cookie } : {}),
				},
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json: unknown;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
				});
				res.on('error', reject);
			},
		);
		req.setTimeout(options.timeoutMs ?? 60_000, () => req.destroy(new Error(`${method} ${url}: no answer within ${(options.timeoutMs ?? 60_000) / 1000} s`)));
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

function isObject(v: unknown): v is JsonObject {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function authCookie(res: HttpAnswer): string | undefined {
	const raw = res.headers['set-cookie'] ?? [];
	for (const c of raw) {
		const m = /n8n-auth=[^;]+/.exec(c);
		if (m) return m[0];
	}
	return undefined;
}

/** Creates the owner (a fresh instance shows the setup page first) and returns the session cookie. */
async function ownerSession(url: string): Promise<string> {
	const setup = await request('POST', `${url}/rest/owner/setup`, { body: OWNER });
	const cookie = authCookie(setup);
	if (setup.status === 200 && cookie) return cookie;
	const login = await request('POST', `${url}/rest/login`, { body: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
	const loginCookie = authCookie(login);
	if (login.status !== 200 || !loginCookie) throw new Error(`owner setup (${setup.status}) and login (${login.status}) failed: ${login.text.slice(0, 500)}`);
	return loginCookie;
}

// ---------------------------------------------------------------------------------------------
// n8n executions through the REST API the editor uses
// ---------------------------------------------------------------------------------------------

interface ExecutionSummary {
	id: string;
	status: string;
	mode?: string;
	retryOf?: string | null;
	workflowId?: string;
	startedAt?: string | null;
	stoppedAt?: string | null;
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

async function listExecutions(url: string, cookie: string, workflowId: string): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const res = await request('GET', `${url}/rest/executions?filter=${filter}&limit=100`, { cookie });
	if (res.status !== 200 || !isObject(res.json) || !isObject(res.json.data) || !Array.isArray(res.json.data.results)) {
		throw new Error(`GET /rest/executions answered ${res.status}: ${res.text.slice(0, 500)}`);
	}
	return res.json.data.results.filter(isObject).map((e) => ({
		id: String(e.id),
		status: String(e.status),
		mode: typeof e.mode === 'string' ? e.mode : undefined,
		retryOf: typeof e.retryOf === 'string' ? e.retryOf : null,
		workflowId: typeof e.workflowId === 'string' ? e.workflowId : undefined,
		startedAt: typeof e.startedAt === 'string' ? e.startedAt : null,
		stoppedAt: typeof e.stoppedAt === 'string' ? e.stoppedAt : null,
	}));
}

/** Waits until `count` executions of the workflow exist (they are created when the webhook is called). */
async function waitForExecutions(url: string, cookie: string, workflowId: string, count: number, timeoutMs: number): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const list = await listExecutions(url, cookie, workflowId);
		if (list.length >= count) return list;
		if (Date.now() > deadline) throw new Error(`only ${list.length} of ${count} executions of ${workflowId} appeared within ${timeoutMs / 1000} s`);
		await sleep(500);
	}
}

async function waitUntilFinished(url: string, cookie: string, workflowId: string, ids: string[], timeoutMs: number): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const list = (await listExecutions(url, cookie, workflowId)).filter((e) => ids.includes(e.id));
		if (list.length === ids.length && list.every((e) => FINISHED.has(e.status))) return list;
		if (Date.now() > deadline) {
			throw new Error(`executions ${ids.join(', ')} not finished within ${timeoutMs / 1000} s: ${list.map((e) => `${e.id} ${e.status}`).join(', ')}`);
		}
		await sleep(2000);
	}
}

/** The run data of one execution (stored by n8n in `flatted` form; parsed with n8n's own copy). */
async function executionRun(url: string, cookie: string, id: string, install: N8nInstall): Promise<JsonObject> {
	const res = await request('GET', `${url}/rest/executions/${id}`, { cookie });
	if (res.status !== 200 || !isObject(res.json) || !isObject(res.json.data)) throw new Error(`GET /rest/executions/${id} answered ${res.status}: ${res.text.slice(0, 300)}`);
	const data = res.json.data.data;
	if (typeof data !== 'string') return isObject(data) ? data : {};
	const n8nRequire = createRequire(path.join(install.installDir, 'node_modules', 'n8n', 'package.json'));
	const flatted = n8nRequire('flatted') as { parse(text: string): unknown };
	const parsed = flatted.parse(data);
	return isObject(parsed) ? parsed : {};
}

/** The json of the items a node output in a run's data, and the error the run recorded, if any. */
function nodeItems(runData: JsonObject, nodeName: string): { items: JsonObject[]; error?: string } {
	const resultData = isObject(runData.resultData) ? runData.resultData : {};
	const error = isObject(resultData.error) && typeof resultData.error.message === 'string' ? resultData.error.message : undefined;
	const runs = isObject(resultData.runData) ? resultData.runData[nodeName] : undefined;
	const items: JsonObject[] = [];
	if (Array.isArray(runs)) {
		for (const task of runs) {
			if (!isObject(task) || !isObject(task.data) || !Array.isArray(task.data.main)) continue;
			const out: unknown = task.data.main[0];
			if (Array.isArray(out)) for (const item of out) if (isObject(item)) items.push(isObject(item.json) ? item.json : {});
		}
	}
	return { items, ...(error !== undefined ? { error } : {}) };
}

/** What an execution's stored data still holds: nodes waiting to run (with their input), nodes that ran, the error. */
function storedInput(runData: JsonObject): { stack: number; ran: string[]; error?: string } {
	const resultData = isObject(runData.resultData) ? runData.resultData : {};
	const executionData = isObject(runData.executionData) ? runData.executionData : {};
	const stack = Array.isArray(executionData.nodeExecutionStack) ? executionData.nodeExecutionStack.length : 0;
	const ran = isObject(resultData.runData) ? Object.keys(resultData.runData) : [];
	const error = isObject(resultData.error) && typeof resultData.error.message === 'string' ? resultData.error.message : undefined;
	return { stack, ran, ...(error !== undefined ? { error } : {}) };
}

// ---------------------------------------------------------------------------------------------
// The cluster
// ---------------------------------------------------------------------------------------------

class WorkerProcess extends GroupProcess implements Stoppable {
	constructor(
		readonly name: string,
		child: ReturnType<typeof spawn>,
		readonly logFile: string,
		readonly healthPort: number,
	) {
		super(child);
	}
	/** What a dying machine does to the worker: SIGKILL to n8n and its task runner, no goodbye. */
	async crash(): Promise<void> {
		this.signal('SIGKILL');
		await this.exited;
	}
	async stop(graceMs = 40_000): Promise<void> {
		await this.stopGroup(graceMs);
		untrack(this);
	}
	log(): string {
		try {
			return fs.readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}
	/** Execution IDs this worker logged as finished ("Worker finished execution N (job M)"). */
	executions(kind: 'started' | 'finished'): string[] {
		return [...this.log().matchAll(new RegExp(`Worker ${kind} execution (\\d+)`, 'g'))].map((m) => m[1]);
	}
	async waitUntilReady(timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (!this.running) throw new Error(`${this.name} exited (${String(this.exit)}) before it was ready; see ${this.logFile}\n${this.log().slice(-3000)}`);
			try {
				const res = await request('GET', `http://127.0.0.1:${this.healthPort}/healthz/readiness`, { timeoutMs: 2000 });
				if (res.status === 200) return;
			} catch {
				// not listening yet
			}
			await sleep(1000);
		}
		throw new Error(`${this.name} not ready within ${timeoutMs / 1000} s; see ${this.logFile}`);
	}
}

/** Wraps the main (N8nServer) so the cleanup registry stops it. */
function trackMain(server: N8nServer): Stoppable {
	const s: Stoppable = {
		name: 'n8n main',
		stop: async (graceMs = 30_000) => {
			await server.stop(graceMs);
			untrack(s);
		},
		killNow: () => {
			if (server.child.pid === undefined) return;
			try {
				process.kill(-server.child.pid, 'SIGKILL');
			} catch {
				// gone
			}
		},
	};
	track(s);
	return s;
}

async function startWorker(n8n: N8nInstance, name: string, rootDir: string): Promise<WorkerProcess> {
	const userFolder = path.join(rootDir, name);
	fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
	const healthPort = await freePort();
	const env = n8n.env({
		N8N_USER_FOLDER: userFolder,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
	});
	const logFile = path.join(rootDir, `${name}.log`);
	const fd = fs.openSync(logFile, 'a');
	const child = spawn(n8n.install.nodeBin, [n8n.install.n8nBin, 'worker', '--concurrency=5'], {
		cwd: rootDir,
		env,
		stdio: ['ignore', fd, fd],
		detached: true,
	});
	fs.closeSync(fd);
	const worker = new WorkerProcess(name, child, logFile, healthPort);
	track(worker);
	return worker;
}

// ---------------------------------------------------------------------------------------------
// Sheets and workflows
// ---------------------------------------------------------------------------------------------

const RESULTS = ['通过', '通过', '通过', '不通过'] as const;
const GRADES = ['优秀', '良好', '合格', '不合格'] as const;

interface SheetRow extends JsonObject {
	工号: string;
	姓名: string;
	结果: string;
	分数: number;
	等级: string;
	评语: string;
}

/** An HR sheet of the emulator's generated people `from` … `from + count - 1`, as the sample sheet's columns. */
function updateSheet(from: number, count: number): SheetRow[] {
	return Array.from({ length: count }, (_, i) => {
		const k = from + i;
		const person = generatedPerson(k);
		const passed = RESULTS[k % RESULTS.length] === '通过';
		return {
			工号: person.employee_number,
			姓名: person.person_info.preferred_local_full_name,
			结果: passed ? '通过' : '不通过',
			分数: passed ? 70 + (k % 30) + 0.5 : 50 + (k % 10),
			等级: passed ? GRADES[k % 3] : GRADES[3],
			评语: passed ? `试用期目标完成 (${k})` : `未达到转正要求 (${k})`,
		};
	});
}

function createSheet(from: number, count: number): Array<{ 工号: string; 姓名: string; 评语: string }> {
	return Array.from({ length: count }, (_, i) => {
		const person = generatedPerson(from + i);
		return { 工号: person.employee_number, 姓名: person.person_info.preferred_local_full_name, 评语: `中期评估 (${from + i})` };
	});
}

function webhookWorkflow(id: string, name: string, webhookPath: string, feishu: JsonObject): JsonObject {
	const nodes: JsonObject[] = [
		{
			id: randomUUID(),
			name: 'Sheet arrives',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
		},
		{
			id: randomUUID(),
			name: 'One item per row',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [220, 0],
			parameters: { fieldToSplitOut: 'body.rows', options: {} },
		},
		{ ...feishu, id: randomUUID(), name: FEISHU_NODE, position: [440, 0] },
	];
	const chain = (to: string) => ({ main: [[{ node: to, type: 'main', index: 0 }]] });
	return {
		id,
		name,
		active: false,
		versionId: randomUUID(),
		nodes,
		connections: { 'Sheet arrives': chain('One item per row'), 'One item per row': chain(FEISHU_NODE) },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/**
 * The Feishu CoreHR node of examples/spreadsheet-to-assessments.json as the file has it (Update by
 * employee number, final assessment; options at their defaults, so 50 Requests in Parallel: three
 * sheets start with a burst each).
 */
function exampleUpdateNode(): JsonObject {
	const wf = withTypePrefix(loadExample('spreadsheet'), CUSTOM_TYPE_PREFIX);
	const node = wf.nodes.find((n) => n.type === `${CUSTOM_TYPE_PREFIX}feishuCoreHr`);
	if (!node) throw new Error('examples/spreadsheet-to-assessments.json has no Feishu CoreHR node');
	return node;
}

/** Create (the node's current version): one new (non-final, not started) assessment per row, for the employee of 工号, options at their defaults. */
function createNode(): JsonObject {
	return {
		type: `${CUSTOM_TYPE_PREFIX}feishuCoreHr`,
		typeVersion: FEISHU_NODE_VERSION,
		parameters: {
			resource: 'probationAssessment',
			operation: 'create',
			employee: { __rl: true, mode: 'employeeNumber', value: '={{ $json.工号 }}' },
			assessments: { assessment: [{ assessmentStatus: 'not_started', isFinalAssessment: false, additionalFields: { assessmentComment: '={{ $json.评语 }}' } }] },
			options: {},
		},
		credentials: { feishuCoreHrApi: { ...EXAMPLE_CREDENTIAL } },
		onError: 'continueRegularOutput',
	};
}

// ---------------------------------------------------------------------------------------------
// Emulator log helpers
// ---------------------------------------------------------------------------------------------

function applied(entries: readonly RequestLogEntry[], endpoint: 'patch' | 'create'): RequestLogEntry[] {
	return entries.filter((r) => r.endpoint === endpoint && r.status === 200 && r.deduplicated !== true);
}

function countBy<T>(list: readonly T[], key: (t: T) => string): Map<string, number> {
	const m = new Map<string, number>();
	for (const t of list) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
	return m;
}

function createdFor(r: RequestLogEntry): string {
	return isObject(r.body) && typeof r.body.employment_id === 'string' ? r.body.employment_id : '?';
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-e2e-'));
	const keep = process.env.N8N_E2E_KEEP === '1';
	installCleanupHandlers(() => {
		if (keep) process.stderr.write(`[queue] kept ${rootDir}\n`);
		else fs.rmSync(rootDir, { recursive: true, force: true });
	});
	let emulator: Emulator | undefined;
	const only = process.env.QUEUE_ONLY === 'sheets' || process.env.QUEUE_ONLY === 'crash' ? process.env.QUEUE_ONLY : undefined;
	try {
		log('machine: PostgreSQL and Redis from Debian packages');
		ensureDebianPackages((l) => log(l));
		log(`n8n ${N8N_VERSION}: checking the cached install (the first install takes a few minutes)`);
		const install = ensureN8n(N8N_VERSION);

		const pg = await startPostgres();
		const redis = await startRedis(rootDir);
		log(`PostgreSQL on 127.0.0.1:${pg.port} (database ${pg.database}), Redis on 127.0.0.1:${redis.port}`);

		emulator = await startEmulator({ seed: SEED, writeRateLimit: WRITE_LIMIT, readRateLimit: READ_LIMIT, logRequests: true });
		log(`Feishu emulator on ${emulator.url}: seed ${SEED}, writes limited to ${WRITE_LIMIT.limit} per ${WRITE_LIMIT.windowMs / 1000} s per app`);

		const n8n = new N8nInstance(install, {
			baseDir: rootDir,
			extensionPackages: [REPO_ROOT],
			encryptionKey: ENCRYPTION_KEY,
			timeoutMs: 300_000,
			env: {
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: pg.host,
				DB_POSTGRESDB_PORT: String(pg.port),
				DB_POSTGRESDB_DATABASE: pg.database,
				DB_POSTGRESDB_USER: pg.user,
				DB_POSTGRESDB_PASSWORD: '',
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: redis.host,
				QUEUE_BULL_REDIS_PORT: String(redis.port),
				// A dead worker's job is declared stalled after its lock runs out (default 60 s), and the
				// main marks the execution crashed at its next queue recovery (default every 180 min):
				// shorter here so the crash scenario does not wait hours. Generous enough for 2 busy cores.
				QUEUE_WORKER_LOCK_DURATION: '30000',
				QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
				QUEUE_WORKER_STALLED_INTERVAL: '10000',
				N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '0.25',
				N8N_SECURE_COOKIE: 'false',
			},
		});

		log('importing the credential and the two workflows, publishing them');
		await n8n.importCredentials([emulatorCredential(emulator.url, emulator.defaultApp)]);
		await n8n.importWorkflows([
			webhookWorkflow(UPDATE_WORKFLOW_ID, 'Queue mode: HR sheet → final assessments', UPDATE_PATH, exampleUpdateNode()),
			webhookWorkflow(CREATE_WORKFLOW_ID, 'Queue mode: new mid-probation reviews', CREATE_PATH, createNode()),
		]);
		for (const id of [UPDATE_WORKFLOW_ID, CREATE_WORKFLOW_ID]) {
			const res = await n8n.run(['publish:workflow', `--id=${id}`]);
			if (res.exitCode !== 0) throw new Error(`n8n publish:workflow --id=${id} failed:\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-2000)}`);
		}

		const port = await freePort();
		const started = Date.now();
		const mainLog = path.join(rootDir, 'main.log');
		const server = await n8n.start({ port, logFile: mainLog });
		trackMain(server);
		await server.waitUntilReady(300_000);
		log(`main ready on ${server.url} (${secondsSince(started)}); starting two workers`);
		const workers = [await startWorker(n8n, 'worker-1', rootDir), await startWorker(n8n, 'worker-2', rootDir)];
		for (const w of workers) await w.waitUntilReady(300_000);
		log(`workers ready (${secondsSince(started)} after the main started)`);
		const cookie = await ownerSession(server.url);

		if (only === undefined || only === 'sheets') await scenario(`three sheets of ${SHEET_ROWS} rows at once, one Feishu app`, async (s) => {
			const sheets = Array.from({ length: SHEETS }, (_, i) => updateSheet(i * SHEET_ROWS, SHEET_ROWS));
			const baseline = emulator!.requests.length;
			const rateLimitedBefore = emulator!.rateLimited;
			const postedAt = Date.now();
			const answers = await Promise.all(
				sheets.map((rows, i) => request('POST', `${server.url}/webhook/${UPDATE_PATH}`, { body: { sheet: `sheet-${i + 1}`, rows } })),
			);
			s.check(answers.every((a) => a.status === 200), `the webhook took the ${SHEETS} sheets (HTTP ${answers.map((a) => a.status).join(', ')})`, () => answers.map((a) => a.text).join('\n'));
			const listed = await waitForExecutions(server.url, cookie, UPDATE_WORKFLOW_ID, SHEETS, 120_000);
			const ids = listed.map((e) => e.id);
			const done = await waitUntilFinished(server.url, cookie, UPDATE_WORKFLOW_ID, ids, 15 * 60_000);
			const finishedAt = Date.now();
			s.check(done.every((e) => e.status === 'success'), `the ${SHEETS} executions succeeded`, () => done.map((e) => `${e.id}: ${e.status}`).join(', '));

			const byWorker = workers.map((w) => w.executions('finished'));
			const onWorkers = ids.filter((id) => byWorker.some((list) => list.includes(id)));
			s.check(onWorkers.length === ids.length, `every execution ran on a worker, none on the main (${ids.map((id) => `${id} → ${workers.find((w, i) => byWorker[i].includes(id))?.name ?? 'no worker'}`).join(', ')})`);

			let items = 0;
			let errorItems = 0;
			for (const id of ids) {
				const out = nodeItems(await executionRun(server.url, cookie, id, install), FEISHU_NODE);
				items += out.items.length;
				errorItems += out.items.filter((j) => j.error !== undefined || j.updated !== true).length;
				if (out.error !== undefined) s.check(false, `execution ${id} recorded no error`, () => out.error ?? '');
			}
			s.check(items === SHEETS * SHEET_ROWS, `${SHEETS * SHEET_ROWS} items came out of the Feishu CoreHR nodes (got ${items})`);
			s.check(errorItems === 0, `no error items (got ${errorItems})`);

			const log = emulator!.requests.slice(baseline);
			const patches = applied(log, 'patch');
			const perAssessment = countBy(patches, (r) => r.path.split('/').pop() ?? '?');
			const expected = new Map<string, SheetRow>();
			sheets.flat().forEach((row, k) => {
				const employmentId = [...emulator!.employments.values()][k].employment_id;
				const probation = emulator!.probations.get(employmentId);
				const finalId = probation?.assessment_ids.find((a) => emulator!.assessments.get(a)?.is_final_asssessment);
				if (finalId) expected.set(finalId, row);
			});
			const notOnce = [...expected.keys()].filter((id) => perAssessment.get(id) !== 1);
			const stray = [...perAssessment.keys()].filter((id) => !expected.has(id));
			s.check(expected.size === SHEETS * SHEET_ROWS && notOnce.length === 0, `every row's final assessment written exactly once (emulator's write log: ${patches.length} applied writes)`, () =>
				notOnce.slice(0, 10).map((id) => `${id}: ${perAssessment.get(id) ?? 0}×`).join(', '),
			);
			s.check(stray.length === 0, 'no other assessment written', () => stray.slice(0, 10).join(', '));
			const wrongValue = [...expected].filter(([id, row]) => emulator!.assessments.get(id)?.assessment_score !== row.分数);
			s.check(wrongValue.length === 0, 'each assessment holds its own row\'s score', () => wrongValue.slice(0, 5).map(([id, row]) => `${id}: ${String(emulator!.assessments.get(id)?.assessment_score)} ≠ ${row.分数}`).join(', '));

			const rateLimited = emulator!.rateLimited - rateLimitedBefore;
			const lastWrite = patches.length > 0 ? Math.max(...patches.map((r) => r.time)) : finishedAt;
			const firstWrite = patches.length > 0 ? Math.min(...patches.map((r) => r.time)) : postedAt;
			const idealMs = Math.floor((SHEETS * SHEET_ROWS - 1) / WRITE_LIMIT.limit) * WRITE_LIMIT.windowMs;
			const elapsed = lastWrite - postedAt;
			s.figure('rows', `${SHEETS} sheets × ${SHEET_ROWS} = ${SHEETS * SHEET_ROWS}, failed rows ${errorItems}`);
			s.figure('time, webhook calls → last write', `${(elapsed / 1000).toFixed(1)} s (first write after ${((firstWrite - postedAt) / 1000).toFixed(1)} s; executions done after ${((finishedAt - postedAt) / 1000).toFixed(1)} s)`);
			s.figure('utilisation of the 100/min window', `${(idealMs / elapsed).toFixed(3)} (ideal ${(idealMs / 1000).toFixed(0)} s ÷ ${(elapsed / 1000).toFixed(1)} s)`);
			s.figure('429 answers from Feishu (emulator)', String(rateLimited));
			s.figure('executions per worker', workers.map((w, i) => `${w.name} ${ids.filter((id) => byWorker[i].includes(id)).length}`).join(', '));
		});

		// A fresh write window for the next scenario (the data and the tokens stay as they are).
		emulator.setWriteRateLimit(WRITE_LIMIT);

		if (only === undefined || only === 'crash') await scenario(`a worker killed mid-sheet (${CRASH_ROWS} rows of Create), then retried`, async (s) => {
			const from = SHEETS * SHEET_ROWS;
			const rows = createSheet(from, CRASH_ROWS);
			const employmentIds = [...emulator!.employments.values()].slice(from, from + CRASH_ROWS).map((e) => e.employment_id);
			const before = new Map(employmentIds.map((id) => [id, emulator!.probations.get(id)?.assessment_ids.length ?? 0]));
			const newAssessments = (id: string): number => (emulator!.probations.get(id)?.assessment_ids.length ?? 0) - (before.get(id) ?? 0);
			const baseline = emulator!.requests.length;
			const answer = await request('POST', `${server.url}/webhook/${CREATE_PATH}`, { body: { rows } });
			s.check(answer.status === 200, `the webhook took the ${CRASH_ROWS}-row sheet (HTTP ${answer.status})`);
			const [execution] = await waitForExecutions(server.url, cookie, CREATE_WORKFLOW_ID, 1, 120_000);

			// Watch the emulator's write log; kill the worker that runs it once KILL_AFTER assessments exist.
			const deadline = Date.now() + 10 * 60_000;
			let createdNow = 0;
			while ((createdNow = applied(emulator!.requests.slice(baseline), 'create').length) < KILL_AFTER) {
				if (Date.now() > deadline) throw new Error(`only ${createdNow} creates within 10 min`);
				await sleep(100);
			}
			const victim = workers.find((w) => w.executions('started').includes(execution.id));
			if (!victim) throw new Error(`no worker logged starting execution ${execution.id}`);
			await victim.crash();
			const createdAtKill = applied(emulator!.requests.slice(baseline), 'create').length;
			s.figure('killed', `${victim.name} (SIGKILL) running execution ${execution.id}, after ${createdAtKill} of ${CRASH_ROWS} assessments were created`);

			const crashedAt = Date.now();
			const [ended] = await waitUntilFinished(server.url, cookie, CREATE_WORKFLOW_ID, [execution.id], 5 * 60_000);
			const missing = employmentIds.filter((id) => newAssessments(id) === 0);
			s.check(ended.status === 'crashed' || ended.status === 'error', `the execution ended ${ended.status} (n8n noticed after ${secondsSince(crashedAt)})`);
			s.check(missing.length > 0, `rows are missing after the crash: ${missing.length} of ${CRASH_ROWS} employees have no new assessment`);

			// What n8n kept of the crashed execution decides what its Retry can redo.
			const crashedRun = await executionRun(server.url, cookie, execution.id, install);
			const kept = storedInput(crashedRun);
			s.figure('n8n kept of the crashed execution', `${kept.stack} node(s) waiting to run, run data of [${kept.ran.join(', ')}], error "${kept.error ?? '-'}"`);

			// 1. What a user does first: Retry in the executions list (the editor's REST call).
			const retryStarted = Date.now();
			const retry = await request('POST', `${server.url}/rest/executions/${execution.id}/retry`, { cookie, body: { loadWorkflow: false }, timeoutMs: 15 * 60_000 });
			const retried = isObject(retry.json) && isObject(retry.json.data) ? retry.json.data : {};
			s.check(retry.status === 200, `POST /rest/executions/${execution.id}/retry answered ${retry.status}`, () => retry.text.slice(0, 1000));
			const retryId = String(retried.id ?? '?');
			const [retriedEnd] = await waitUntilFinished(server.url, cookie, CREATE_WORKFLOW_ID, [retryId], 10 * 60_000);
			const retryItems = nodeItems(await executionRun(server.url, cookie, retryId, install), FEISHU_NODE);
			const onWorker = workers.find((w) => w.executions('finished').includes(retryId));
			s.check(onWorker !== undefined && onWorker.running, `the retry (execution ${retryId}) ran on the surviving worker (${onWorker?.name ?? 'none'})`);
			const missingAfterRetry = employmentIds.filter((id) => newAssessments(id) === 0);
			s.figure(
				'retry from the executions list',
				`execution ${retryId} ended ${retriedEnd.status} after ${((Date.now() - retryStarted) / 1000).toFixed(1)} s, ${retryItems.items.length} items; rows still missing: ${missingAfterRetry.length}`,
			);

			// 2. When rows are still missing, what is left to a user: run the same sheet again.
			if (missingAfterRetry.length > 0) {
				s.notes.push(`     n8n ${N8N_VERSION} replaced the crashed execution's data when its job stalled, so its Retry had nothing to run: the user sends the sheet again`);
				const rerunStarted = Date.now();
				const again = await request('POST', `${server.url}/webhook/${CREATE_PATH}`, { body: { rows } });
				s.check(again.status === 200, `the webhook took the sheet again (HTTP ${again.status})`);
				const executions = await waitForExecutions(server.url, cookie, CREATE_WORKFLOW_ID, 3, 120_000);
				const rerun = executions.find((e) => e.id !== execution.id && e.id !== retryId);
				if (!rerun) throw new Error('the second run of the sheet did not appear');
				const [rerunEnd] = await waitUntilFinished(server.url, cookie, CREATE_WORKFLOW_ID, [rerun.id], 10 * 60_000);
				const rerunItems = nodeItems(await executionRun(server.url, cookie, rerun.id, install), FEISHU_NODE);
				s.check(rerunEnd.status === 'success', `the second run (execution ${rerun.id}) succeeded: ${rerunEnd.status}`);
				const errorItems = rerunItems.items.filter((j) => j.error !== undefined);
				s.check(rerunItems.items.length === CRASH_ROWS && errorItems.length === 0, `the second run output ${rerunItems.items.length} items, ${errorItems.length} errors`, () =>
					errorItems.slice(0, 3).map((j) => String(j.error)).join('\n'),
				);
				s.figure('sheet sent again', `execution ${rerun.id} ended ${rerunEnd.status} after ${((Date.now() - rerunStarted) / 1000).toFixed(1)} s`);
			}

			const log = emulator!.requests.slice(baseline);
			const creates = applied(log, 'create');
			const perEmployee = countBy(creates, createdFor);
			const replays = log.filter((r) => r.endpoint === 'create' && r.deduplicated === true).length;
			const none = employmentIds.filter((id) => newAssessments(id) === 0);
			const twice = employmentIds.filter((id) => newAssessments(id) > 1);
			s.check(none.length === 0, `every row written: each of the ${CRASH_ROWS} employees has a new assessment (${none.length} without)`);
			s.check(
				twice.length === 0,
				`no assessment created twice (${twice.length} employees got two${twice.length > 0 ? `: the later run's client tokens differ from the crashed execution's, so Feishu applied those creates again (${replays} answered from its client_token store)` : ''})`,
				() => twice.slice(0, 5).map((id) => `employment ${id}: ${perEmployee.get(id) ?? 0} creates`).join(', '),
			);
			s.figure('after the crash', `${ended.status}, ${missing.length} of ${CRASH_ROWS} rows missing`);
			s.figure('in the end', `${creates.length} assessments created for ${CRASH_ROWS} rows, ${replays} creates answered from Feishu's client_token store; employees without: ${none.length}, with two: ${twice.length}`);
		});

		log('stopping the workers, the main, Redis and PostgreSQL');
	} finally {
		await emulator?.close();
		await stopAllServices();
	}
}

main()
	.catch((error: unknown) => {
		console.error(`\n[queue] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		results.push({ label: `n8n ${N8N_VERSION} queue mode`, scenario: 'setup', passed: false, figures: [] });
	})
	.finally(() => {
		const failed = results.filter((r) => !r.passed);
		const figures = results.flatMap((r) => r.figures.map((f) => `${r.scenario} | ${f}`));
		if (figures.length > 0) {
			console.log('\n  figures');
			for (const f of figures) console.log(`    ${f}`);
		}
		console.log(`\ntest:queue: ${results.length - failed.length} passed, ${failed.length} failed (n8n ${N8N_VERSION}, queue mode, 1 main + 2 workers; ${secondsSince(t0)})`);
		process.exit(failed.length > 0 ? 1 : 0);
	});
