/**
 * `npm run dev`: this package in a local n8n, wired to the Feishu emulator, ready to click through.
 *
 *   npm run dev                       n8n 2.41.0 (Node 24 from the cache) on http://localhost:5678
 *   npm run dev -- --n8n=1.123.0      n8n 1.x on this machine's Node
 *   options: --port=5678  --emulator-port=3900  --no-build  --check (start, verify, stop)
 *
 * 1. builds the package (npm run build) unless --no-build;
 * 2. installs n8n once into the cache if needed (scripts/n8n/install.sh, a few minutes the first time);
 * 3. starts the emulator on 127.0.0.1:3900 with the people the sample sheet names (seed 20);
 * 4. n8n's data lives in .n8n-dev/n8n-<version>/ (git-ignored; survives restarts), the package is
 *    copied in as a custom extension (node type CUSTOM.feishuCoreHr), files are read and written
 *    in .n8n-dev/files/ (N8N_RESTRICT_FILE_ACCESS_TO), where the sample sheet is put;
 * 5. imports a "Feishu CoreHR account" credential (Custom base URL → the emulator) and the example
 *    workflows of examples/ (re-imported on every start: your edits to them are overwritten);
 * 6. starts `n8n start` on 127.0.0.1, creates the owner account on first start, and prints the URL
 *    and the logins; Ctrl-C stops n8n and the emulator.
 * With --check it also logs in, checks that the node type and the examples are there, and stops.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startEmulator } from '../dev/emulator';
import type { Emulator } from '../dev/emulator/types';
import {
	CUSTOM_TYPE_PREFIX,
	EXAMPLE_CREDENTIAL,
	EXAMPLE_REPORT_NAME,
	EXAMPLE_SEED,
	EXAMPLE_SHEET,
	EXAMPLE_SHEET_NAME,
	emulatorCredential,
	loadAllExamples,
	withFilesDir,
	withTypePrefix,
} from '../dev/n8n/examples';
import { OWNER, ensureOwner, loginOwner } from '../dev/n8n/owner';
import { ensureN8n, N8nInstance, REPO_ROOT, type N8nServer } from '../dev/n8n/runner';

const DEV_DIR = path.join(REPO_ROOT, '.n8n-dev');
interface Args {
	version: string;
	port: number;
	emulatorPort: number;
	build: boolean;
	check: boolean;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { version: '2.41.0', port: 5678, emulatorPort: 3900, build: true, check: false };
	for (const arg of argv) {
		const [key, value] = arg.split('=', 2);
		if (key === '--n8n' && value) args.version = value;
		else if (key === '--port' && value) args.port = Number(value);
		else if (key === '--emulator-port' && value) args.emulatorPort = Number(value);
		else if (key === '--no-build') args.build = false;
		else if (key === '--check') args.check = true;
		else if (key === '--help' || key === '-h') {
			console.log('npm run dev [-- --n8n=2.41.0|1.123.0] [--port=5678] [--emulator-port=3900] [--no-build] [--check]');
			process.exit(0);
		} else throw new Error(`unknown option ${arg} (try --help)`);
	}
	if (!Number.isInteger(args.port) || !Number.isInteger(args.emulatorPort)) throw new Error('ports must be numbers');
	return args;
}

function step(text: string): void {
	console.log(`[dev] ${text}`);
}

/** The instance's encryption key, kept next to its data so its stored credentials stay readable. */
function encryptionKey(dir: string): string {
	const file = path.join(dir, 'encryption-key');
	if (!fs.existsSync(file)) {
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(file, randomBytes(24).toString('hex'), { mode: 0o600 });
	}
	return fs.readFileSync(file, 'utf8').trim();
}

/** --check: what a user would look for after opening the editor. Throws on the first problem. */
async function verify(server: N8nServer, cookie: string, workflowIds: string[]): Promise<void> {
	const health = await fetch(`${server.url}/healthz`);
	if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
	console.log(`[check] GET /healthz → ${health.status} ${await health.text()}`);
	const types = await fetch(`${server.url}/types/nodes.json`, { headers: { cookie } });
	const typeNames = ((await types.json()) as Array<{ name?: string }>).map((t) => t.name);
	for (const name of [`${CUSTOM_TYPE_PREFIX}feishuCoreHr`, `${CUSTOM_TYPE_PREFIX}feishuCoreHrTool`]) {
		if (!typeNames.includes(name)) throw new Error(`node type ${name} is not loaded`);
	}
	console.log(`[check] GET /types/nodes.json → CUSTOM.feishuCoreHr and CUSTOM.feishuCoreHrTool loaded`);
	const list = (await (await fetch(`${server.url}/rest/workflows`, { headers: { cookie } })).json()) as { data?: Array<{ id: string }> };
	const ids = (list.data ?? []).map((w) => w.id);
	const missing = workflowIds.filter((id) => !ids.includes(id));
	if (missing.length > 0) throw new Error(`workflows missing in the editor: ${missing.join(', ')}`);
	console.log(`[check] GET /rest/workflows → the ${workflowIds.length} examples are there`);
	const creds = (await (await fetch(`${server.url}/rest/credentials`, { headers: { cookie } })).json()) as { data?: Array<{ id: string }> };
	if (!(creds.data ?? []).some((c) => c.id === EXAMPLE_CREDENTIAL.id)) throw new Error('the emulator credential is missing');
	console.log(`[check] GET /rest/credentials → "${EXAMPLE_CREDENTIAL.name}" is there`);
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));

	if (args.build) {
		step('npm run build');
		const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
		if (build.status !== 0) throw new Error('npm run build failed');
	}

	step(`n8n ${args.version}: checking the cached install (the first install takes a few minutes)`);
	const install = ensureN8n(args.version);

	const filesDir = path.join(fs.realpathSync(REPO_ROOT), '.n8n-dev', 'files');
	fs.mkdirSync(filesDir, { recursive: true });
	const csv = path.join(filesDir, EXAMPLE_SHEET_NAME);
	if (!fs.existsSync(csv)) fs.copyFileSync(EXAMPLE_SHEET, csv);

	let emulator: Emulator;
	try {
		emulator = await startEmulator({ port: args.emulatorPort, seed: EXAMPLE_SEED });
	} catch (error) {
		throw new Error(`could not start the emulator on port ${args.emulatorPort} (${String(error)}); is npm run dev or npm run emulator already running?`);
	}
	step(`Feishu emulator on ${emulator.url} (seed ${EXAMPLE_SEED}, ${emulator.assessments.size} assessments)`);

	const rootDir = path.join(DEV_DIR, `n8n-${args.version}`);
	const n8n = new N8nInstance(install, {
		rootDir,
		encryptionKey: encryptionKey(rootDir),
		extensionPackages: [REPO_ROOT],
		env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir },
	});

	let server: N8nServer | undefined;
	let stopping = false;
	const shutdown = async (code: number): Promise<void> => {
		if (stopping) return;
		stopping = true;
		step('stopping n8n and the emulator ...');
		await server?.stop();
		await emulator.close();
		step('stopped');
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	try {
		step('importing the credential and the examples');
		await n8n.importCredentials([emulatorCredential(emulator.url, emulator.defaultApp)]);
		const examples = Object.values(loadAllExamples()).map((wf) => withFilesDir(withTypePrefix(wf, CUSTOM_TYPE_PREFIX), filesDir));
		await n8n.importWorkflows(examples);

		const logFile = path.join(rootDir, 'n8n.log');
		step(`starting n8n ${args.version} (log: ${path.relative(REPO_ROOT, logFile)})`);
		server = await n8n.start({ port: args.port, logFile });
		await server.waitUntilReady();
		const setupCookie = await ensureOwner(server.url);

		const lines = [
			'',
			`  n8n ${args.version} with n8n-nodes-feishu-corehr is running:`,
			'',
			`    open        ${server.url}`,
			`    log in      ${OWNER.email} / ${OWNER.password}${setupCookie ? '   (owner account created just now)' : ''}`,
			'',
			`    credential  "${EXAMPLE_CREDENTIAL.name}" → Feishu emulator ${emulator.url}`,
			`                App ID ${emulator.defaultApp.appId}, App Secret ${emulator.defaultApp.appSecret} (emulator only)`,
			`    workflows   ${examples.map((w) => w.name.replace(/^Feishu CoreHR: /, '')).join('\n                ')}`,
			`    files       ${filesDir} (${EXAMPLE_SHEET_NAME} is read from here, ${EXAMPLE_REPORT_NAME} written here)`,
			`    emulator    ${emulator.url}/__emulator/state shows every assessment; nothing leaves 127.0.0.1`,
			'',
			'  Node type in this instance: CUSTOM.feishuCoreHr (search "Feishu" in the nodes panel).',
			'  Code changed? Ctrl-C and run npm run dev again: it rebuilds and reloads the package.',
			'  Ctrl-C to stop.',
			'',
		];
		console.log(lines.join('\n'));

		if (args.check) {
			const cookie = setupCookie ?? (await loginOwner(server.url));
			await verify(server, cookie, examples.map((w) => w.id));
			console.log('[check] ok');
			await shutdown(0);
			return;
		}
		const watch = setInterval(() => {
			if (server && !server.running && !stopping) {
				clearInterval(watch);
				console.error(`[dev] n8n exited (${String(server.exit)}); see ${logFile}`);
				void shutdown(1);
			}
		}, 1000);
	} catch (error) {
		console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
		await shutdown(1);
	}
}

main().catch((error: unknown) => {
	console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
