/**
 * PostgreSQL and Redis for n8n's queue mode, run as this project's own throwaway processes:
 *
 *   ensureDebianPackages();                         // apt-get install postgresql redis-server if missing (root)
 *   const pg = await startPostgres();                // initdb -A trust, 127.0.0.1 only, a free port
 *   const redis = await startRedis(dir);             // 127.0.0.1 only, a free port, no persistence
 *   ... pg.port, pg.database, redis.port ...
 *   await redis.stop(); await pg.stop();             // also done by stopAllServices() on exit / Ctrl-C
 *
 * Each server runs in its own process group; stopping it ends the group and deletes its data. A
 * registry keeps what was started, so a failure, Ctrl-C or an uncaught error still stops everything
 * (see {@link installCleanupHandlers}): nothing is left running after the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { GroupProcess } from './groupProcess';
import { freePort } from './runner';

/** A process group this module (or its caller) started and must end. */
export interface Stoppable {
	readonly name: string;
	/** graceful stop (SIGKILL after graceMs, each its own default); idempotent */
	stop(graceMs?: number): Promise<void>;
	/** SIGKILL to the whole group, synchronously (for process 'exit') */
	killNow(): void;
}

const running = new Set<Stoppable>();

/** Registers something to stop at the end (and on failure / Ctrl-C). */
export function track(s: Stoppable): void {
	running.add(s);
}

export function untrack(s: Stoppable): void {
	running.delete(s);
}

/**
 * Stops every tracked process, newest first. `quick` (Ctrl-C): everything but PostgreSQL and
 * Redis at once with a short grace, then those two.
 */
export async function stopAllServices(quick = false): Promise<void> {
	const stopOne = async (s: Stoppable, graceMs?: number) => {
		try {
			await s.stop(graceMs);
		} catch (error) {
			process.stderr.write(`[services] stopping ${s.name} failed: ${String(error)}\n`);
			s.killNow();
		}
		running.delete(s);
	};
	const all = [...running];
	if (quick) {
		const isStore = (s: Stoppable) => s.name === 'postgres' || s.name === 'redis';
		await Promise.all(all.filter((s) => !isStore(s)).map((s) => stopOne(s, 5_000)));
		for (const s of all.filter(isStore).reverse()) await stopOne(s, 5_000);
		return;
	}
	for (const s of all.reverse()) await stopOne(s);
}

let handlersInstalled = false;

/**
 * On SIGINT / SIGTERM: stop everything, then exit 130 / 143. On process exit (also after an
 * uncaught error): SIGKILL whatever is still tracked and run `onExit` (e.g. remove temp dirs).
 */
export function installCleanupHandlers(onExit?: () => void): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	let stopping = false;
	const onSignal = (signal: NodeJS.Signals, code: number) => {
		if (stopping) return;
		stopping = true;
		process.stderr.write(`\n[services] ${signal}: stopping everything this run started ...\n`);
		void stopAllServices(true).finally(() => process.exit(code));
	};
	process.on('SIGINT', () => onSignal('SIGINT', 130));
	process.on('SIGTERM', () => onSignal('SIGTERM', 143));
	process.on('exit', () => {
		for (const s of running) s.killNow();
		running.clear();
		onExit?.();
	});
}


function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// Debian packages
// ---------------------------------------------------------------------------------------------

/** The newest installed PostgreSQL's bin dir (Debian: /usr/lib/postgresql/<major>/bin), or undefined. */
export function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs
		.readdirSync(root)
		.filter((d) => /^\d+$/.test(d) && fs.existsSync(path.join(root, d, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length > 0 ? path.join(root, majors[0], 'bin') : undefined;
}

export function redisServerBin(): string | undefined {
	for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (fs.existsSync(p)) return p;
	return undefined;
}

/**
 * Installs Debian's `postgresql` and `redis-server` when missing (root only: CI runs as root on a
 * fresh Debian). A policy-rc.d that refuses every start keeps apt from launching the system-wide
 * services, so nothing is left running on 5432 / 6379.
 */
export function ensureDebianPackages(log: (line: string) => void = (l) => console.log(l)): void {
	const missing: string[] = [];
	if (postgresBinDir() === undefined) missing.push('postgresql');
	if (redisServerBin() === undefined) missing.push('redis-server');
	if (missing.length === 0) return;
	if (process.getuid?.() !== 0) {
		throw new Error(`${missing.join(' and ')} missing: run \`sudo apt-get install -y ${missing.join(' ')}\` (Debian) and try again`);
	}
	const policy = '/usr/sbin/policy-rc.d';
	const ownPolicy = !fs.existsSync(policy);
	if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\n# written by n8n-nodes-feishu-corehr test:queue during apt-get install\nexit 101\n', { mode: 0o755 });
	try {
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		log(`[services] apt-get install -y ${missing.join(' ')} (once per machine)`);
		let res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
		if (res.status !== 0) {
			log('[services] apt-get update');
			spawnSync('apt-get', ['update'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
			res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
		}
		if (res.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed:\n${res.stderr}`);
	} finally {
		if (ownPolicy) fs.rmSync(policy, { force: true });
	}
	if (postgresBinDir() === undefined || redisServerBin() === undefined) {
		throw new Error(`apt-get installed ${missing.join(' ')}, but postgres or redis-server is still not found`);
	}
}

// ---------------------------------------------------------------------------------------------
// A server process in its own group
// ---------------------------------------------------------------------------------------------

class ServerProcess extends GroupProcess implements Stoppable {
	constructor(
		readonly name: string,
		child: ChildProcess,
		readonly logFile: string,
		stopSignal: NodeJS.Signals,
		private readonly afterStop: () => void,
	) {
		super(child, stopSignal);
	}

	async stop(graceMs = 10_000): Promise<void> {
		await this.stopGroup(graceMs);
		untrack(this);
		this.afterStop();
	}

	override killNow(): void {
		super.killNow();
		try {
			this.afterStop();
		} catch {
			// best effort at exit
		}
	}
}

function openLog(file: string): number {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	return fs.openSync(file, 'a');
}

function tail(file: string, chars = 3000): string {
	try {
		const text = fs.readFileSync(file, 'utf8');
		return text.slice(-chars);
	} catch {
		return '(no log)';
	}
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------

export interface PostgresServer extends Stoppable {
	readonly host: '127.0.0.1';
	readonly port: number;
	readonly user: string;
	readonly database: string;
	readonly dataDir: string;
}

/** uid/gid of the `postgres` account when running as root (postgres refuses to run as root). */
function postgresAccount(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const res = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
	const gidRes = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
	if (res.status !== 0 || gidRes.status !== 0) throw new Error('running as root, but there is no `postgres` account to run PostgreSQL as (apt-get install postgresql creates it)');
	return { uid: Number(res.stdout.trim()), gid: Number(gidRes.stdout.trim()) };
}

function chownTree(dir: string, account: { uid: number; gid: number } | undefined): void {
	if (account === undefined) return;
	fs.chownSync(dir, account.uid, account.gid);
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		if (entry.isDirectory()) chownTree(p, account);
		else fs.chownSync(p, account.uid, account.gid);
	}
}

/**
 * A throwaway PostgreSQL: `initdb -A trust` into `<os.tmpdir()>/postgres-XXXX` (a place the
 * `postgres` account can reach, unlike a caller's private temp dir), `postgres` listening on
 * 127.0.0.1:<free port> only (Unix socket in the data dir's own folder), durability off (it is
 * thrown away), a database `n8n`. Runs as the `postgres` account when we are root.
 */
export async function startPostgres(options: { timeoutMs?: number } = {}): Promise<PostgresServer> {
	const bin = postgresBinDir();
	if (bin === undefined) throw new Error('PostgreSQL is not installed (ensureDebianPackages() installs it)');
	const account = postgresAccount();
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-postgres-'));
	fs.chmodSync(root, 0o755);
	const dataDir = path.join(root, 'data');
	const socketDir = path.join(root, 'socket');
	fs.mkdirSync(socketDir);
	chownTree(root, account);
	const logFile = path.join(root, 'postgres.log');
	const runAs = account ?? {};
	const removeRoot = () => fs.rmSync(root, { recursive: true, force: true });

	const init = spawnSync(
		path.join(bin, 'initdb'),
		['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C', '--no-sync'],
		{ ...runAs, cwd: root, encoding: 'utf8' },
	);
	if (init.status !== 0) {
		removeRoot();
		throw new Error(`initdb failed (exit ${String(init.status)}):\n${init.stderr}`);
	}

	const port = await freePort();
	const log = openLog(logFile);
	if (account) fs.fchownSync(log, account.uid, account.gid);
	const child = spawn(
		path.join(bin, 'postgres'),
		[
			'-D', dataDir,
			'-p', String(port),
			'-c', 'listen_addresses=127.0.0.1',
			'-c', `unix_socket_directories=${socketDir}`,
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
			'-c', 'max_connections=100',
		],
		{ ...runAs, cwd: root, stdio: ['ignore', log, log], detached: true },
	);
	fs.closeSync(log);
	const server = new ServerProcess('postgres', child, logFile, 'SIGINT' /* fast shutdown */, removeRoot);
	track(server);

	const deadline = Date.now() + (options.timeoutMs ?? 60_000);
	const ready = () =>
		spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], { encoding: 'utf8' }).status === 0;
	while (!ready()) {
		if (!server.running || Date.now() > deadline) {
			const why = server.running ? 'did not accept connections in time' : `exited (${String(server.exit)})`;
			const logText = tail(logFile);
			await server.stop();
			throw new Error(`postgres ${why}:\n${logText}`);
		}
		await sleep(250);
	}
	const database = 'n8n';
	const created = spawnSync(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database], { encoding: 'utf8' });
	if (created.status !== 0) {
		await server.stop();
		throw new Error(`createdb ${database} failed:\n${created.stderr}`);
	}
	return Object.assign(server, { host: '127.0.0.1' as const, port, user: 'postgres', database, dataDir });
}

// ---------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------

export interface RedisServer extends Stoppable {
	readonly host: '127.0.0.1';
	readonly port: number;
}

/** Sends PING; true on +PONG. */
function ping(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (b) => {
			answer += b.toString('utf8');
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

/** A throwaway Redis on 127.0.0.1:<free port>, no RDB snapshots, no AOF, its dir removed on stop. */
export async function startRedis(parent: string = os.tmpdir(), options: { timeoutMs?: number } = {}): Promise<RedisServer> {
	const bin = redisServerBin();
	if (bin === undefined) throw new Error('redis-server is not installed (ensureDebianPackages() installs it)');
	const root = fs.mkdtempSync(path.join(parent, 'redis-'));
	const logFile = path.join(root, 'redis.log');
	const port = await freePort();
	const log = openLog(logFile);
	const child = spawn(
		bin,
		['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--save', '', '--appendonly', 'no', '--dir', root, '--daemonize', 'no', '--loglevel', 'warning'],
		{ cwd: root, stdio: ['ignore', log, log], detached: true },
	);
	fs.closeSync(log);
	const server = new ServerProcess('redis', child, logFile, 'SIGTERM', () => fs.rmSync(root, { recursive: true, force: true }));
	track(server);
	const deadline = Date.now() + (options.timeoutMs ?? 30_000);
	while (!(await ping(port))) {
		if (!server.running || Date.now() > deadline) {
			const why = server.running ? 'did not answer PING in time' : `exited (${String(server.exit)})`;
			const logText = tail(logFile);
			await server.stop();
			throw new Error(`redis-server ${why}:\n${logText}`);
		}
		await sleep(200);
	}
	return Object.assign(server, { host: '127.0.0.1' as const, port });
}
