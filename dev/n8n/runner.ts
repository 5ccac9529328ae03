/**
 * Run a real n8n (1.x on this machine's Node, 2.x on Node 24) headless, for end-to-end tests.
 *
 *   const install = ensureN8n('2.41.0');               // installs once into a cache (scripts/n8n/install.sh)
 *   const n8n = new N8nInstance(install, { extensionPackages: [REPO_ROOT] });
 *   await n8n.importCredentials([{ id: 'cred1', name: 'c', type: 'feishuCoreHrApi', data: {...} }]);
 *   await n8n.importWorkflows([buildWorkflow({ id: 'wf1', nodes: [...] })]);
 *   const res = await n8n.execute('wf1');               // { exitCode, stdout, stderr, run }
 *   nodeOutput(res.run, 'My node');                     // json of the items that node output
 *   await readCredentialData(n8n, 'cred1');             // decrypted data as stored by n8n
 *   n8n.cleanup();
 *
 * Every command is a separate n8n process on one throwaway N8N_USER_FOLDER (SQLite in
 * <userFolder>/.n8n/database.sqlite); run the commands of one instance one after the other.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { GroupProcess } from './groupProcess';

export const REPO_ROOT: string = path.resolve(__dirname, '..', '..');
export const INSTALL_SCRIPT: string = path.join(REPO_ROOT, 'scripts', 'n8n', 'install.sh');

/** The n8n versions the e2e tests prove the package on. */
export const N8N_VERSIONS: readonly string[] = ['1.123.0', '2.41.0'];

/** Versions to test: `N8N_E2E_VERSIONS` (comma separated) or {@link N8N_VERSIONS}. */
export function n8nVersionsUnderTest(): string[] {
	const fromEnv = (process.env.N8N_E2E_VERSIONS ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter((v) => v !== '');
	return fromEnv.length > 0 ? fromEnv : [...N8N_VERSIONS];
}

// ---------------------------------------------------------------------------------------------
// Install
// ---------------------------------------------------------------------------------------------

export interface N8nInstall {
	version: string;
	/** node binary to run n8n with (Node 24 for 2.x) */
	nodeBin: string;
	/** path to n8n's bin js (node_modules/n8n/bin/n8n) */
	n8nBin: string;
	major: 1 | 2;
	/** the cache dir holding node_modules/n8n */
	installDir: string;
}

export interface EnsureN8nOptions {
	/** append install.sh's progress to this file instead of inheriting stderr */
	logFile?: string;
}

/**
 * Installs n8n `version` once (scripts/n8n/install.sh; a few minutes the first time, milliseconds
 * afterwards) and returns the paths. Synchronous. Throws if the install fails.
 */
export function ensureN8n(version: string, options: EnsureN8nOptions = {}): N8nInstall {
	let logFd: number | undefined;
	if (options.logFile !== undefined) {
		fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
		logFd = fs.openSync(options.logFile, 'a');
	}
	try {
		const res = spawnSync('bash', [INSTALL_SCRIPT, version], {
			stdio: ['ignore', 'pipe', logFd ?? 'inherit'],
			encoding: 'utf8',
			maxBuffer: 16 * 1024 * 1024,
		});
		if (res.error) throw res.error;
		if (res.status !== 0) {
			const where = options.logFile !== undefined ? ` (see ${options.logFile})` : '';
			throw new Error(`${INSTALL_SCRIPT} ${version} failed with exit code ${String(res.status)}${where}`);
		}
		const values = new Map<string, string>();
		for (const line of res.stdout.split('\n')) {
			const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
			if (m) values.set(m[1], m[2]);
		}
		const get = (key: string): string => {
			const v = values.get(key);
			if (v === undefined || v === '') throw new Error(`install.sh printed no ${key}; stdout was:\n${res.stdout}`);
			return v;
		};
		const major = Number(get('N8N_MAJOR'));
		if (major !== 1 && major !== 2) throw new Error(`unsupported n8n major version ${major}`);
		return {
			version: get('N8N_VERSION'),
			nodeBin: get('NODE_BIN'),
			n8nBin: get('N8N_BIN'),
			major,
			installDir: get('N8N_INSTALL_DIR'),
		};
	} finally {
		if (logFd !== undefined) fs.closeSync(logFd);
	}
}

// ---------------------------------------------------------------------------------------------
// Workflows and run data
// ---------------------------------------------------------------------------------------------

export type JsonObject = Record<string, unknown>;

export interface WorkflowNodeSpec {
	name: string;
	type: string;
	typeVersion?: number;
	parameters?: JsonObject;
	credentials?: Record<string, { id: string; name: string }>;
	position?: [number, number];
	id?: string;
	disabled?: boolean;
	/** A webhook node's ID: its production URL is /webhook/<webhookId>/<path>. */
	webhookId?: string;
	continueOnFail?: boolean;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
}

export interface WorkflowSpec {
	/** ≤ 16 characters (n8n's CLI ignores longer ids) */
	id: string;
	name?: string;
	nodes: WorkflowNodeSpec[];
	/** n8n connections; default: the nodes chained in order on their main output 0 */
	connections?: JsonObject;
	settings?: JsonObject;
}

export interface WorkflowJson {
	id: string;
	name: string;
	active: boolean;
	versionId: string;
	nodes: Array<Required<Pick<WorkflowNodeSpec, 'id' | 'name' | 'type' | 'typeVersion' | 'position' | 'parameters'>> & WorkflowNodeSpec>;
	connections: JsonObject;
	settings: JsonObject;
	pinData: JsonObject;
}

/** A workflow as `n8n import:workflow` wants it (1.x needs `versionId`, ids ≤ 16 chars). */
export function buildWorkflow(spec: WorkflowSpec): WorkflowJson {
	if (!/^[A-Za-z0-9]{1,16}$/.test(spec.id)) {
		throw new Error(`workflow id must be 1-16 letters/digits, got "${spec.id}"`);
	}
	const nodes = spec.nodes.map((n, i) => ({
		...n,
		id: n.id ?? randomUUID(),
		typeVersion: n.typeVersion ?? 1,
		position: n.position ?? ([i * 220, 0] as [number, number]),
		parameters: n.parameters ?? {},
	}));
	let connections = spec.connections;
	if (connections === undefined) {
		connections = {};
		for (let i = 0; i + 1 < nodes.length; i++) {
			connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
		}
	}
	return {
		id: spec.id,
		name: spec.name ?? spec.id,
		active: false,
		versionId: randomUUID(),
		nodes,
		connections,
		settings: spec.settings ?? { executionOrder: 'v1' },
		pinData: {},
	};
}

/** A manual trigger node (every CLI-executed workflow starts from one). */
export function manualTrigger(name = 'Start'): WorkflowNodeSpec {
	return { name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };
}

function isObject(v: unknown): v is JsonObject {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function looksLikeRun(v: unknown): v is JsonObject {
	return isObject(v) && isObject(v.data) && isObject(v.data.resultData);
}

/** End index (exclusive) of the JSON object/array starting at `start`, or -1. Strings aware. */
function scanJson(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\') i++;
			else if (c === '"') inString = false;
			continue;
		}
		if (c === '"') inString = true;
		else if (c === '{' || c === '[') depth++;
		else if (c === '}' || c === ']') {
			depth--;
			if (depth === 0) return i + 1;
			if (depth < 0) return -1;
		}
	}
	return -1;
}

/**
 * The run data (`IRun`: { data: { resultData: { runData, error?, lastNodeExecuted } }, status, ... })
 * that `n8n execute --rawOutput` printed among its log lines, or undefined. Takes the last JSON
 * object on stdout that looks like a run; log lines before/after/with other JSON are skipped.
 */
export function parseRunOutput(stdout: string): unknown {
	let found: unknown;
	let pos = 0;
	while (pos < stdout.length) {
		const lineEnd = stdout.indexOf('\n', pos) === -1 ? stdout.length : stdout.indexOf('\n', pos);
		const brace = stdout.indexOf('{', pos);
		if (brace === -1) break;
		if (brace > lineEnd) {
			pos = lineEnd + 1;
			continue;
		}
		const end = scanJson(stdout, brace);
		if (end !== -1) {
			try {
				const value: unknown = JSON.parse(stdout.slice(brace, end));
				if (looksLikeRun(value)) {
					found = value;
					pos = end;
					continue;
				}
			} catch {
				// not JSON: a log line with a brace
			}
		}
		pos = lineEnd + 1;
	}
	return found;
}

export interface RunError {
	message: string;
	description?: string;
	node?: string;
	name?: string;
}

export interface RunSummary {
	/** n8n's `status` field ('success', 'error', ... ; 1.x CLI runs say 'running' even when done) */
	status?: string;
	finished?: boolean;
	lastNodeExecuted?: string;
	error?: RunError;
	/** names of the nodes that ran */
	nodesRun: string[];
}

function resultData(run: unknown): JsonObject | undefined {
	if (!looksLikeRun(run)) return undefined;
	const data = run.data as JsonObject;
	return data.resultData as JsonObject;
}

export function summarizeRun(run: unknown): RunSummary {
	const rd = resultData(run);
	const summary: RunSummary = { nodesRun: [] };
	if (!rd || !isObject(run)) return summary;
	if (typeof run.status === 'string') summary.status = run.status;
	if (typeof run.finished === 'boolean') summary.finished = run.finished;
	if (typeof rd.lastNodeExecuted === 'string') summary.lastNodeExecuted = rd.lastNodeExecuted;
	if (isObject(rd.runData)) summary.nodesRun = Object.keys(rd.runData);
	if (isObject(rd.error)) {
		const e = rd.error;
		summary.error = {
			message: typeof e.message === 'string' ? e.message : JSON.stringify(e),
			...(typeof e.description === 'string' ? { description: e.description } : {}),
			...(typeof e.name === 'string' ? { name: e.name } : {}),
			...(isObject(e.node) && typeof e.node.name === 'string' ? { node: e.node.name } : {}),
		};
	}
	return summary;
}

/** The per-run task data of one node (`runData[nodeName]`), or [] if it did not run. */
export function nodeRuns(run: unknown, nodeName: string): JsonObject[] {
	const rd = resultData(run);
	if (!rd || !isObject(rd.runData)) return [];
	const runs = rd.runData[nodeName];
	return Array.isArray(runs) ? runs.filter(isObject) : [];
}

/** The `json` of each item a node output (run `runIndex`, output `outputIndex`); [] if none. */
export function nodeOutput(run: unknown, nodeName: string, runIndex = 0, outputIndex = 0): JsonObject[] {
	const task = nodeRuns(run, nodeName)[runIndex];
	if (!task || !isObject(task.data) || !Array.isArray(task.data.main)) return [];
	const out: unknown = task.data.main[outputIndex];
	if (!Array.isArray(out)) return [];
	return out.filter(isObject).map((item) => (isObject(item.json) ? item.json : {}));
}

/** The items a node output (json and pairedItem), for checks of order and pairing; [] if none. */
export function nodeItems(run: unknown, nodeName: string, runIndex = 0, outputIndex = 0): Array<{ json: JsonObject; pairedItem: unknown }> {
	const task = nodeRuns(run, nodeName)[runIndex];
	if (!task || !isObject(task.data) || !Array.isArray(task.data.main)) return [];
	const out: unknown = task.data.main[outputIndex];
	if (!Array.isArray(out)) return [];
	return out.filter(isObject).map((item) => ({ json: isObject(item.json) ? item.json : {}, pairedItem: item.pairedItem }));
}

/** The error a node's run recorded (e.g. with continueOnFail off), if any. */
export function nodeError(run: unknown, nodeName: string, runIndex = 0): JsonObject | undefined {
	const task = nodeRuns(run, nodeName)[runIndex];
	return task && isObject(task.error) ? task.error : undefined;
}

// ---------------------------------------------------------------------------------------------
// Instance
// ---------------------------------------------------------------------------------------------

export interface CommandResult {
	exitCode: number;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
	/** the command line, for messages */
	command: string;
}

export interface ExecuteResult extends CommandResult {
	/** the parsed JSON run data printed by --rawOutput (see {@link parseRunOutput}) */
	run?: unknown;
}

export interface RunOptions {
	/** kill the process (group) after this long; default the instance's timeoutMs */
	timeoutMs?: number;
	/** extra environment for this command (undefined removes a variable) */
	env?: Record<string, string | undefined>;
}

export interface N8nInstanceOptions {
	/**
	 * Package roots (dirs with a package.json and built files) to load as custom extensions:
	 * each is copied (package.json + its `files`, default dist/) into
	 * <root>/custom-extensions/<name>/, and that dir is put in N8N_CUSTOM_EXTENSIONS.
	 * Nodes load as `CUSTOM.<node name>`.
	 */
	extensionPackages?: string[];
	/**
	 * How extensionPackages are placed: 'copy' (default) or 'symlink' (to the package root). With a
	 * symlink, Node resolves `require('n8n-workflow')` from the package's real path, i.e. the repo's
	 * own node_modules copy, not n8n's; a copy resolves n8n's copy like an installed package does.
	 */
	extensionMode?: 'copy' | 'symlink';
	/** further dirs for N8N_CUSTOM_EXTENSIONS, used as they are */
	customExtensions?: string[];
	/** N8N_ENCRYPTION_KEY; default a random one */
	encryptionKey?: string;
	/** extra environment for every command (undefined removes a variable) */
	env?: Record<string, string | undefined>;
	/** N8N_LOG_LEVEL; 'info' (default) or 'debug': at 'warn' `execute --rawOutput` prints nothing */
	logLevel?: 'info' | 'debug';
	/** parent of the throwaway dir; default os.tmpdir(). Keep it outside any node_modules tree. */
	baseDir?: string;
	/**
	 * Use this dir (created if missing) instead of a throwaway one, e.g. for `npm run dev`: its
	 * database, owner account and workflows survive restarts, and cleanup() leaves it in place.
	 * Pass the same `encryptionKey` every time, or the stored credentials cannot be read.
	 */
	rootDir?: string;
	/** keep the dir on cleanup() (also when N8N_E2E_KEEP=1) */
	keep?: boolean;
	/** per-command timeout, default 180 s */
	timeoutMs?: number;
}

export interface ExportedCredential {
	id: string;
	name: string;
	type: string;
	data: JsonObject;
	[key: string]: unknown;
}

export interface InstalledPackage {
	name: string;
	version: string;
	/** <userFolder>/.n8n/nodes/node_modules/<name> */
	dir: string;
}

/** Environment prefixes removed from the parent's environment before starting n8n. */
const STRIPPED_ENV_PREFIXES = ['N8N_', 'DB_', 'EXECUTIONS_', 'QUEUE_', 'GENERIC_', 'WEBHOOK_URL'];
const STRIPPED_ENV_KEYS = ['NODE_OPTIONS', 'NODE_PATH', 'NODE_ENV', 'TS_NODE_PROJECT', 'TSX_TSCONFIG_PATH'];

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

interface PackageJsonLike {
	name?: unknown;
	version?: unknown;
	files?: unknown;
	[key: string]: unknown;
}

function readPackageJson(dir: string): PackageJsonLike {
	const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	if (!isObject(parsed)) throw new Error(`${dir}/package.json is not an object`);
	return parsed;
}

function packageName(pkg: PackageJsonLike, dir: string): string {
	if (typeof pkg.name !== 'string' || pkg.name === '') throw new Error(`${dir}/package.json has no name`);
	return pkg.name;
}

/**
 * Places the package at `packageRoot` into `parentDir/<name>` as n8n's custom-extension loader
 * wants it (it globs `**\/*.node.js` and `**\/*.credentials.js` under each N8N_CUSTOM_EXTENSIONS
 * dir) and returns `parentDir`. 'copy' copies package.json and the `files` entries (default
 * ['dist']); 'symlink' links the whole root (see {@link N8nInstanceOptions.extensionMode}).
 */
export function prepareCustomExtensionsDir(
	packageRoot: string,
	parentDir: string,
	mode: 'copy' | 'symlink' = 'copy',
): string {
	const root = path.resolve(packageRoot);
	const pkg = readPackageJson(root);
	const target = path.join(parentDir, packageName(pkg, root).replace('/', '__'));
	fs.mkdirSync(parentDir, { recursive: true });
	fs.rmSync(target, { recursive: true, force: true });
	if (mode === 'symlink') {
		fs.symlinkSync(root, target, 'dir');
		return parentDir;
	}
	const files = Array.isArray(pkg.files) ? pkg.files.filter((f): f is string => typeof f === 'string') : ['dist'];
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(root, 'package.json'), path.join(target, 'package.json'));
	let copied = 0;
	for (const entry of files) {
		const from = path.join(root, entry);
		if (!fs.existsSync(from)) continue;
		fs.cpSync(from, path.join(target, entry), { recursive: true, dereference: true });
		copied++;
	}
	if (copied === 0) {
		throw new Error(`nothing to copy from ${root} (files: ${files.join(', ')}); build the package first (npm run build)`);
	}
	return parentDir;
}

/** `npm pack` the package at `packageDir` into `destDir`; returns the .tgz path. */
export function packPackage(packageDir: string, destDir: string): string {
	fs.mkdirSync(destDir, { recursive: true });
	const res = spawnSync('npm', ['pack', '--json', '--ignore-scripts', `--pack-destination=${destDir}`], {
		cwd: packageDir,
		encoding: 'utf8',
		env: npmEnv(process.env),
	});
	if (res.status !== 0) throw new Error(`npm pack failed in ${packageDir}:\n${res.stderr}`);
	const parsed: unknown = JSON.parse(res.stdout.slice(res.stdout.indexOf('[')));
	if (!Array.isArray(parsed) || !isObject(parsed[0]) || typeof parsed[0].filename !== 'string') {
		throw new Error(`unexpected npm pack output:\n${res.stdout}`);
	}
	return path.join(destDir, path.basename(parsed[0].filename));
}

/** process env for npm child processes: without the npm_* variables an `npm run` parent sets. */
function npmEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(base)) {
		if (/^npm_(lifecycle|package|command|config_(local_prefix|prefix|global|workspace|argv))/i.test(k)) continue;
		if (k === 'INIT_CWD' || k === 'NODE_OPTIONS') continue;
		env[k] = v;
	}
	return env;
}

export class N8nInstance {
	readonly install: N8nInstall;
	/** the throwaway dir holding everything of this instance */
	readonly rootDir: string;
	/** N8N_USER_FOLDER (n8n keeps its data in <userFolder>/.n8n) */
	readonly userFolder: string;
	/** <userFolder>/.n8n: database.sqlite, config, nodes/ (community packages), custom/ */
	readonly n8nFolder: string;
	/** <userFolder>/.n8n/nodes: where n8n's Community Nodes feature installs packages */
	readonly nodesDir: string;
	readonly encryptionKey: string;
	readonly customExtensionDirs: string[];
	private readonly options: N8nInstanceOptions;
	private fileCounter = 0;
	private cleaned = false;

	constructor(install: N8nInstall, options: N8nInstanceOptions = {}) {
		this.install = install;
		this.options = options;
		if (options.rootDir !== undefined) {
			fs.mkdirSync(options.rootDir, { recursive: true });
			this.rootDir = path.resolve(options.rootDir);
		} else {
			this.rootDir = fs.mkdtempSync(path.join(options.baseDir ?? os.tmpdir(), `n8n-e2e-${install.version}-`));
		}
		this.userFolder = path.join(this.rootDir, 'user');
		this.n8nFolder = path.join(this.userFolder, '.n8n');
		this.nodesDir = path.join(this.n8nFolder, 'nodes');
		fs.mkdirSync(this.n8nFolder, { recursive: true });
		this.encryptionKey = options.encryptionKey ?? randomBytes(24).toString('hex');
		this.customExtensionDirs = [...(options.customExtensions ?? [])];
		if (options.extensionPackages && options.extensionPackages.length > 0) {
			const dir = path.join(this.rootDir, 'custom-extensions');
			for (const pkg of options.extensionPackages) prepareCustomExtensionsDir(pkg, dir, options.extensionMode ?? 'copy');
			this.customExtensionDirs.push(dir);
		}
	}

	/** The environment every n8n command of this instance runs with. */
	env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = {};
		for (const [k, v] of Object.entries(process.env)) {
			if (STRIPPED_ENV_PREFIXES.some((p) => k.startsWith(p)) || STRIPPED_ENV_KEYS.includes(k)) continue;
			env[k] = v;
		}
		const nodeDir = path.dirname(this.install.nodeBin);
		Object.assign(env, {
			PATH: `${nodeDir}${path.delimiter}${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_LOG_LEVEL: this.options.logLevel ?? 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
			DB_TYPE: 'sqlite',
			EXECUTIONS_MODE: 'regular',
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			NO_COLOR: '1',
			FORCE_COLOR: '0',
		});
		if (this.customExtensionDirs.length > 0) env.N8N_CUSTOM_EXTENSIONS = this.customExtensionDirs.join(';');
		for (const [k, v] of Object.entries({ ...this.options.env, ...extra })) {
			if (v === undefined) delete env[k];
			else env[k] = v;
		}
		return env;
	}

	/** Runs `n8n <args>` with this instance's environment; never throws for a non-zero exit. */
	async run(args: string[], options: RunOptions = {}): Promise<CommandResult> {
		if (this.cleaned) throw new Error('N8nInstance used after cleanup()');
		// n8n 2.x starts a task-runner broker (port 5679 by default) for `execute`: give every
		// process its own port so instances can run side by side.
		const env = this.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...options.env });
		const command = `n8n ${args.join(' ')}`;
		const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 180_000;
		const started = Date.now();
		return await new Promise<CommandResult>((resolve, reject) => {
			const child = spawn(this.install.nodeBin, [this.install.n8nBin, ...args], {
				cwd: this.rootDir,
				env,
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true, // own process group: a timeout kills n8n and its task runners
			});
			const out: Buffer[] = [];
			const err: Buffer[] = [];
			child.stdout.on('data', (b: Buffer) => out.push(b));
			child.stderr.on('data', (b: Buffer) => err.push(b));
			let timedOut = false;
			const timer = setTimeout(() => {
				timedOut = true;
				try {
					if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
				} catch {
					child.kill('SIGKILL');
				}
			}, timeoutMs);
			child.on('error', (e) => {
				clearTimeout(timer);
				reject(e);
			});
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				const stderr = Buffer.concat(err).toString('utf8');
				resolve({
					exitCode: code ?? (timedOut ? 124 : 128),
					signal,
					stdout: Buffer.concat(out).toString('utf8'),
					stderr: timedOut ? `${stderr}\n[n8n.ts] killed after ${timeoutMs} ms` : stderr,
					durationMs: Date.now() - started,
					command,
				});
			});
		});
	}

	private async runOk(args: string[], options?: RunOptions): Promise<CommandResult> {
		const res = await this.run(args, options);
		if (res.exitCode !== 0) {
			throw new Error(
				`${res.command} exited with ${res.exitCode} (n8n ${this.install.version})\n--- stdout\n${res.stdout.slice(-4000)}\n--- stderr\n${res.stderr.slice(-4000)}`,
			);
		}
		return res;
	}

	private writeTempJson(kind: string, value: unknown): string {
		const file = path.join(this.rootDir, `${kind}-${++this.fileCounter}.json`);
		fs.writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	}

	/**
	 * `n8n import:credentials`: each `{ id, name, type, data }`; a plain-object `data` is encrypted
	 * with this instance's key on import. Throws if n8n fails.
	 */
	async importCredentials(creds: object[]): Promise<CommandResult> {
		return await this.runOk(['import:credentials', `--input=${this.writeTempJson('credentials', creds)}`]);
	}

	/** `n8n import:workflow` (see {@link buildWorkflow}). Throws if n8n fails. */
	async importWorkflows(workflows: object[]): Promise<CommandResult> {
		return await this.runOk(['import:workflow', `--input=${this.writeTempJson('workflows', workflows)}`]);
	}

	/**
	 * `n8n execute --id=<id> --rawOutput`. Exit code 0 when the workflow succeeded, 1 when it
	 * failed; `run` is the run data n8n printed (also on failure), undefined if none was printed.
	 */
	async execute(workflowId: string, options?: RunOptions): Promise<ExecuteResult> {
		const res = await this.run(['execute', `--id=${workflowId}`, '--rawOutput'], options);
		const run = parseRunOutput(res.stdout);
		return run === undefined ? res : { ...res, run };
	}

	/** `n8n export:credentials --decrypted` (all, or one id) as parsed JSON. */
	async exportCredentials(id?: string): Promise<ExportedCredential[]> {
		const file = path.join(this.rootDir, `export-credentials-${++this.fileCounter}.json`);
		const args = ['export:credentials', '--decrypted', `--output=${file}`];
		args.push(id !== undefined ? `--id=${id}` : '--all');
		await this.runOk(args);
		const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
		const list = Array.isArray(parsed) ? parsed : [parsed];
		return list.filter(isObject).map((c) => ({
			...c,
			id: String(c.id),
			name: String(c.name),
			type: String(c.type),
			data: isObject(c.data) ? c.data : {},
		}));
	}

	/**
	 * Installs a packed package (`npm pack` output) the way n8n's Community Nodes feature does
	 * (n8n 1.123 / 2.41): unpack into <userFolder>/.n8n/nodes/node_modules/<name>, drop its dev-,
	 * peer- and optional dependencies from its package.json, `npm install` its own dependencies
	 * there (--install-strategy=shallow --ignore-scripts=true --package-lock=false
	 * --bin-links=false), and record it in <userFolder>/.n8n/nodes/package.json. n8n then loads
	 * every n8n-nodes-* package in that node_modules at start; node types are `<name>.<node>`.
	 */
	installCommunityPackage(tgzPath: string): InstalledPackage {
		const tgz = path.resolve(tgzPath);
		const staging = fs.mkdtempSync(path.join(this.rootDir, 'unpack-'));
		try {
			const tar = spawnSync('tar', ['-xzf', tgz, '-C', staging, '--strip-components=1'], { encoding: 'utf8' });
			if (tar.status !== 0) throw new Error(`tar -xzf ${tgz} failed: ${tar.stderr}`);
			const pkg = readPackageJson(staging);
			const name = packageName(pkg, tgz);
			if (!/^(@[^/]+\/)?n8n-nodes-/.test(name)) {
				throw new Error(`n8n only loads community packages named n8n-nodes-* or @scope/n8n-nodes-*, got ${name}`);
			}
			const version = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
			const nodesPackageJson = path.join(this.nodesDir, 'package.json');
			fs.mkdirSync(path.join(this.nodesDir, 'node_modules'), { recursive: true });
			if (!fs.existsSync(nodesPackageJson)) {
				fs.writeFileSync(nodesPackageJson, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
			}
			const dir = path.join(this.nodesDir, 'node_modules', name);
			fs.rmSync(dir, { recursive: true, force: true });
			fs.mkdirSync(path.dirname(dir), { recursive: true });
			fs.renameSync(staging, dir);
			const { devDependencies: _d, peerDependencies: _p, optionalDependencies: _o, ...kept } = pkg;
			fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(kept, null, 2));
			const npm = spawnSync(
				'npm',
				[
					'install',
					'--audit=false',
					'--fund=false',
					'--bin-links=false',
					'--install-strategy=shallow',
					'--ignore-scripts=true',
					'--package-lock=false',
					'--loglevel=error',
				],
				{
					cwd: dir,
					encoding: 'utf8',
					env: { ...npmEnv(process.env), PATH: `${path.dirname(this.install.nodeBin)}${path.delimiter}${process.env.PATH ?? ''}` },
				},
			);
			if (npm.status !== 0) throw new Error(`npm install in ${dir} failed:\n${npm.stderr}`);
			const nodesPkg = readPackageJson(this.nodesDir);
			const deps = isObject(nodesPkg.dependencies) ? nodesPkg.dependencies : {};
			fs.writeFileSync(nodesPackageJson, JSON.stringify({ ...nodesPkg, dependencies: { ...deps, [name]: version } }, null, 2));
			return { name, version, dir };
		} finally {
			fs.rmSync(staging, { recursive: true, force: true });
		}
	}

	/**
	 * `n8n start`: the editor and API on http://127.0.0.1:<port>, in its own process group, output
	 * appended to `logFile`. Resolves once the process is spawned; use `waitUntilReady()` before
	 * sending requests, `stop()` to end it (SIGTERM to the group, SIGKILL after `graceMs`).
	 */
	async start(options: { port: number; logFile: string; env?: Record<string, string | undefined> }): Promise<N8nServer> {
		if (this.cleaned) throw new Error('N8nInstance used after cleanup()');
		const env = this.env({
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_PORT: String(options.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: 'localhost',
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false',
			...options.env,
		});
		fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
		const log = fs.openSync(options.logFile, 'a');
		const child = spawn(this.install.nodeBin, [this.install.n8nBin, 'start'], {
			cwd: this.rootDir,
			env,
			stdio: ['ignore', log, log],
			detached: true,
		});
		fs.closeSync(log);
		return new N8nServer(child, `http://localhost:${options.port}`, options.logFile);
	}

	/** Deletes the throwaway dir (unless keep / N8N_E2E_KEEP=1 / a given rootDir). Idempotent. */
	cleanup(): void {
		if (this.cleaned) return;
		this.cleaned = true;
		if (this.options.rootDir !== undefined) return;
		if (this.options.keep === true || process.env.N8N_E2E_KEEP === '1') {
			process.stderr.write(`[n8n.ts] kept ${this.rootDir}\n`);
			return;
		}
		fs.rmSync(this.rootDir, { recursive: true, force: true });
	}
}

/** A running `n8n start` (see {@link N8nInstance.start}). */
export class N8nServer extends GroupProcess {
	constructor(
		child: ChildProcess,
		/** e.g. http://localhost:5678 */
		readonly url: string,
		readonly logFile: string,
	) {
		super(child);
	}

	/**
	 * Resolves when GET /healthz answers 200 and the REST API is mounted (GET /rest/settings gives
	 * JSON: /healthz answers while n8n is still starting, and until then every other path gets the
	 * editor's HTML). Throws if n8n exits first or `timeoutMs` passes.
	 */
	async waitUntilReady(timeoutMs = 120_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		const answers = async (pathname: string, json: boolean): Promise<boolean> => {
			try {
				const res = await fetch(`${this.url}${pathname}`, { signal: AbortSignal.timeout(2000) });
				await res.arrayBuffer();
				return res.status === 200 && (!json || (res.headers.get('content-type') ?? '').includes('application/json'));
			} catch {
				return false; // not listening yet
			}
		};
		while (Date.now() < deadline) {
			if (!this.running) throw new Error(`n8n exited (${String(this.exit)}) before it served ${this.url}; see ${this.logFile}`);
			if ((await answers('/healthz', false)) && (await answers('/rest/settings', true))) return;
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n did not serve ${this.url}/healthz and /rest/settings within ${timeoutMs / 1000} s; see ${this.logFile}`);
	}

	/** Ends n8n and its task runners: SIGTERM to the process group, SIGKILL after graceMs. */
	async stop(graceMs = 15_000): Promise<void> {
		await this.stopGroup(graceMs);
	}
}

/** The decrypted `data` n8n has stored for a credential (e.g. to see a refreshed token). */
export async function readCredentialData(instance: N8nInstance, credentialId: string): Promise<JsonObject> {
	const creds = await instance.exportCredentials(credentialId);
	const found = creds.find((c) => c.id === credentialId);
	if (!found) throw new Error(`credential ${credentialId} not found in n8n ${instance.install.version}`);
	return found.data;
}
