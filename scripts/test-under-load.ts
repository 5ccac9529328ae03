/**
 * `npm run test:under-load`: the README's test command, `npm test`, N times in a row while other
 * processes keep every core of the machine busy. A guarantee that holds only on an idle machine is
 * not one: this is how the tests prove they do not depend on timing.
 *
 *   npm run test:under-load                      20 runs, one loader per core
 *   npm run test:under-load -- --runs=5          or TEST_UNDER_LOAD_RUNS=5
 *   options: --loaders=K  (default: one per core; 0 = no load, an idle baseline)
 *            --keep-going (do not stop at the first failure: count how often it fails)
 *
 * The load: K plain `node` processes started before the first run and stopped after the last,
 * each a busy loop that spins on the CPU in 100-ms slices (no I/O, no memory to speak of) at normal
 * priority, so the tests compete with them for every core. Each loader reports the CPU time it
 * used; the summary prints it, so a note can say how loaded the machine really was.
 *
 * Each run's full output (stdout and stderr of `npm test`) goes to
 * .test-under-load/<start time>/run-NN.log (git-ignored), the lines printed here to summary.log
 * beside them. One line per run: pass/fail, seconds, and jest's "Tests:" summary (on a failure also
 * the failed tests' names); then "N passed, M failed". It stops at the first failure and exits
 * non-zero then. The loaders and the running `npm test` (its own process group) are stopped at the
 * end, on failure, on Ctrl-C / SIGTERM / SIGHUP and when the tsx that started this one dies; a
 * loader whose runner died anyway (SIGKILL) notices within one slice that its parent is gone and
 * exits (the `npm test` under way then ends by itself when it next writes to its closed output).
 * The npm script `exec`s tsx, so a SIGTERM sent to `npm run` reaches this script: without the
 * `exec` the shell between them would die and leave it running.
 *
 * `npm test` starts without the npm_* variables of the `npm run` that started this script: nested
 * npm calls would otherwise inherit its configuration (see scripts/n8n/clean-npm-env.sh).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO_ROOT = path.join(__dirname, '..');
const LOG_ROOT = path.join(REPO_ROOT, '.test-under-load');
const TEST_COMMAND = ['npm', 'test'] as const;
const SLICE_MS = 100;
/** How long a stopped `npm test` gets to end by itself before it is killed. */
const KILL_GRACE_MS = 5000;

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

interface Args {
	runs: number;
	loaders: number;
	keepGoing: boolean;
}

function usage(message?: string): never {
	if (message) console.error(message);
	console.error(
		'usage: npm run test:under-load -- [--runs=N] [--loaders=K] [--keep-going]\n' +
			'  --runs=N      runs of `npm test` (default 20, or TEST_UNDER_LOAD_RUNS)\n' +
			`  --loaders=K   busy-loop processes (default ${os.availableParallelism()}: one per core; 0 = idle)\n` +
			'  --keep-going  run all N even after a failure',
	);
	process.exit(message ? 2 : 0);
}

function count(name: string, value: string | undefined, min: number): number {
	const n = Number(value);
	if (value === undefined || value === '' || !Number.isInteger(n) || n < min) usage(`${name} must be an integer ≥ ${min}, got ${value}`);
	return n;
}

function parseArgs(argv: string[]): Args {
	const fromEnv = process.env.TEST_UNDER_LOAD_RUNS;
	const args: Args = {
		runs: fromEnv ? count('TEST_UNDER_LOAD_RUNS', fromEnv, 1) : 20,
		loaders: os.availableParallelism(),
		keepGoing: false,
	};
	for (const arg of argv) {
		const [key, value] = arg.split('=', 2);
		if (key === '--runs') args.runs = count('--runs', value, 1);
		else if (key === '--loaders') args.loaders = count('--loaders', value, 0);
		else if (key === '--keep-going') args.keepGoing = true;
		else if (key === '--help' || key === '-h') usage();
		else usage(`unknown argument ${arg}`);
	}
	return args;
}

// ---------------------------------------------------------------------------------------------
// The load
// ---------------------------------------------------------------------------------------------

/**
 * A loader's whole program (plain JS for `node -e`). It spins in slices so that between two slices
 * it can report its CPU time and notice that its parent is gone: then it was orphaned (the runner
 * was killed with SIGKILL) and it ends itself instead of burning a core forever.
 */
const LOADER_SOURCE = `
const parent = process.ppid;
process.title = 'test-under-load loader ' + process.argv[1];
let nextReport = 0;
function slice() {
	const end = Date.now() + ${SLICE_MS};
	while (Date.now() < end) { /* spin */ }
	if (process.ppid !== parent || !process.connected) process.exit(0);
	if (Date.now() >= nextReport) {
		process.send(process.cpuUsage());
		nextReport = Date.now() + 1000;
	}
	setImmediate(slice);
}
process.on('disconnect', () => process.exit(0));
slice();
`;

interface Loader {
	child: ChildProcess;
	/** CPU time (user + system) it last reported, in ms. */
	cpuMs: number;
}

const loaders: Loader[] = [];
let loadStartedAt = 0;

function startLoaders(k: number): void {
	loadStartedAt = Date.now();
	for (let i = 1; i <= k; i++) {
		// Same process group as this script: a Ctrl-C in the terminal reaches them directly too.
		const child = spawn(process.execPath, ['-e', LOADER_SOURCE, `${i}/${k}`], {
			stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
		});
		const loader: Loader = { child, cpuMs: 0 };
		child.on('message', (usage: { user: number; system: number }) => {
			loader.cpuMs = (usage.user + usage.system) / 1000;
		});
		// The IPC channel must not keep this script alive.
		child.unref();
		child.channel?.unref();
		loaders.push(loader);
	}
}

function alive(child: ChildProcess): boolean {
	return child.exitCode === null && child.signalCode === null;
}

/** At once, for the last moment of this process (`exit` handlers cannot wait). */
function killLoaders(): void {
	for (const { child } of loaders) if (alive(child)) child.kill('SIGKILL');
}

/** Stops the loaders and waits until they are gone (and reaped: no zombies left behind). */
async function stopLoaders(): Promise<void> {
	const gone = loaders
		.filter(({ child }) => alive(child))
		.map(({ child }) => new Promise<void>((resolve) => child.once('exit', () => resolve())));
	for (const { child } of loaders) if (alive(child)) child.kill('SIGTERM');
	let timer: NodeJS.Timeout | undefined;
	// The timer also keeps this process alive while it waits: the loaders themselves are unref'd.
	await Promise.race([Promise.all(gone), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
	clearTimeout(timer);
	killLoaders();
}

function describeLoad(k: number): string {
	if (k === 0) return 'load: none (--loaders=0): an idle baseline';
	const pids = loaders.map(({ child }) => child.pid).join(', ');
	return (
		`load: ${k} busy-loop process${k === 1 ? '' : 'es'} on a ${os.availableParallelism()}-core machine ` +
		`(\`node -e\`, pid ${pids}), each spinning on the CPU in ${SLICE_MS}-ms slices at normal priority ` +
		'(no I/O), started before run 1 and stopped after the last'
	);
}

function loadUsed(): string {
	if (loaders.length === 0) return '';
	const wallS = (Date.now() - loadStartedAt) / 1000;
	const cpuS = loaders.reduce((sum, { cpuMs }) => sum + cpuMs, 0) / 1000;
	return `load used ${cpuS.toFixed(0)} s of CPU in ${wallS.toFixed(0)} s (${(cpuS / wallS).toFixed(2)} cores on average)`;
}

// ---------------------------------------------------------------------------------------------
// One run of `npm test`
// ---------------------------------------------------------------------------------------------

interface RunResult {
	ok: boolean;
	seconds: number;
	summary: string;
	failures: string[];
}

/** The environment of a shell, not of the `npm run` that started this script. */
function cleanEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_(config|package|lifecycle)_/i.test(key)) env[key] = value;
	}
	return env;
}

let current: ChildProcess | undefined;

function stopCurrent(signal: NodeJS.Signals): void {
	if (!current?.pid || !alive(current)) return;
	try {
		process.kill(-current.pid, signal);
	} catch {
		// already gone
	}
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

function summarise(output: string): { summary: string; failures: string[] } {
	const lines = output.replace(ANSI, '').split(/\r?\n/);
	const tests = lines.filter((line) => /^Tests:\s/.test(line)).pop();
	const suites = lines.filter((line) => /^Test Suites:\s/.test(line)).pop();
	// jest names each failed test as "  ● <describe> › <test>" (and "● Test suite failed to run");
	// "● Console" only heads a test file's console output.
	const failures = [
		...new Set(lines.map((line) => /^\s+● (.+)$/.exec(line)?.[1]?.trim()).filter((f): f is string => !!f && f !== 'Console')),
	];
	let summary = tests?.replace(/\s+/g, ' ').trim() ?? '';
	if (!summary) {
		// npm prints "> <package>@<version> <script>" before each script it runs: the last is the step that failed.
		const step = lines.filter((line) => /^> \S+@\S+ \S+/.test(line)).pop();
		summary = `no jest summary${step ? ` (last step: ${step.replace(/^> \S+ /, '')})` : ''}`;
	} else if (suites && /failed/.test(suites) && !/failed/.test(tests ?? '')) {
		summary += ` (${suites.replace(/\s+/g, ' ').trim()})`;
	}
	return { summary, failures };
}

function runOnce(logFile: string): Promise<RunResult> {
	const started = Date.now();
	const log = fs.createWriteStream(logFile);
	log.write(`$ ${TEST_COMMAND.join(' ')}    (cwd ${REPO_ROOT}, started ${new Date(started).toISOString()})\n\n`);
	let output = '';
	// Its own process group, so that stopping it reaches jest and every step npm started.
	const child = spawn(TEST_COMMAND[0], TEST_COMMAND.slice(1), {
		cwd: REPO_ROOT,
		env: cleanEnv(),
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	current = child;
	const collect = (chunk: Buffer): void => {
		output += chunk.toString();
		log.write(chunk);
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	return new Promise((resolve) => {
		const finish = (ok: boolean, note: string): void => {
			const seconds = (Date.now() - started) / 1000;
			log.end(`\n[test-under-load] ${note} after ${seconds.toFixed(1)} s\n`);
			current = undefined;
			resolve({ ok, seconds, ...summarise(output) });
		};
		child.on('error', (error) => finish(false, `could not start: ${error.message}`));
		child.on('close', (code, signal) => finish(code === 0, `exit code ${code}${signal ? `, signal ${signal}` : ''}`));
	});
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

let summaryLog: fs.WriteStream | undefined;

function say(line: string): void {
	console.log(line);
	summaryLog?.write(`${line}\n`);
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const stamp = new Date().toISOString().replace(/[:.]/g, '-');
	const logDir = path.join(LOG_ROOT, stamp);
	fs.mkdirSync(logDir, { recursive: true });
	summaryLog = fs.createWriteStream(path.join(logDir, 'summary.log'));

	let passed = 0;
	let failed = 0;
	let run = 0;
	let interrupted: NodeJS.Signals | undefined;

	const onSignal = (signal: NodeJS.Signals): void => {
		if (interrupted) return;
		interrupted = signal;
		say(`\n${signal}: stopping run ${run}/${args.runs} and the load`);
		void stopLoaders();
		stopCurrent('SIGTERM');
		setTimeout(() => stopCurrent('SIGKILL'), KILL_GRACE_MS).unref();
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
	// The process that started this one (tsx) died without passing a signal on (SIGKILL): stop as
	// on a hang-up rather than run on unseen.
	const parent = process.ppid;
	setInterval(() => process.ppid !== parent && onSignal('SIGHUP'), 1000).unref();
	// Last resort, whatever way this process ends: nothing it started outlives it.
	process.on('exit', () => {
		killLoaders();
		stopCurrent('SIGKILL');
	});

	startLoaders(args.loaders);
	say(`\`${TEST_COMMAND.join(' ')}\` × ${args.runs}${args.keepGoing ? ' (--keep-going)' : ', stopping at the first failure'}`);
	say(describeLoad(args.loaders));
	say(`logs: ${path.relative(REPO_ROOT, logDir)}/run-NN.log`);

	const width = String(args.runs).length;
	for (run = 1; run <= args.runs && !interrupted; run++) {
		const name = `run-${String(run).padStart(width, '0')}.log`;
		const result = await runOnce(path.join(logDir, name));
		if (interrupted) {
			say(`run ${String(run).padStart(width)}/${args.runs}  INTERRUPTED  ${result.seconds.toFixed(1)} s  (${name})`);
			break;
		}
		if (result.ok) passed++;
		else failed++;
		say(
			`run ${String(run).padStart(width)}/${args.runs}  ${result.ok ? 'PASS' : 'FAIL'}  ` +
				`${result.seconds.toFixed(1).padStart(6)} s  ${result.summary}${result.ok ? '' : `  (${name})`}`,
		);
		for (const failure of result.failures.slice(0, 10)) say(`        ✕ ${failure}`);
		if (result.failures.length > 10) say(`        … and ${result.failures.length - 10} more (see ${name})`);
		if (!result.ok && !args.keepGoing) break;
	}

	const used = loadUsed();
	await stopLoaders();
	const notRun = args.runs - passed - failed;
	say(
		`${passed} passed, ${failed} failed` +
			(notRun > 0 ? `, ${notRun} not run${interrupted ? ' (interrupted)' : ' (stopped at the first failure)'}` : '') +
			(used ? `; ${used}` : ''),
	);
	await new Promise<void>((resolve) => summaryLog?.end(resolve));
	// Like a shell: 128 + the signal's number when interrupted.
	process.exit(interrupted ? 128 + os.constants.signals[interrupted] : failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
