/**
 * Section 2: what one update costs the node itself, with no limit and no pacing: (a) through
 * n8n-core's execution in this process, (b) inside a real n8n; each against a bare keep-alive loop
 * sending the same PATCHes from the same kind of process.
 *
 * What the figures mean. With many in flight the node's executionTime is wall time: on the bench's
 * 2-core machine it is the CPU the node needs in n8n's main thread as long as that thread never
 * waits for the emulator (its event-loop utilisation, printed, is then 1.00), and it is inflated by
 * anything else the machine runs at the time (printed per run: the cores other processes kept busy). So (b)
 * also reports, from inside n8n (bench/nodeClock.cjs), the CPU time n8n spent while the node ran
 * (all its threads: n8n 2.x evaluates expressions in an isolate on another thread), the cores
 * other processes took meanwhile, and how many expressions n8n evaluated for the node: in n8n 2.x
 * each one goes through the isolated-vm expression engine and is the node's largest single cost.
 * In (a) the emulator runs in the same process and event loop as n8n-core: its server work is
 * part of that executionTime.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Emulator } from '../dev/emulator';
import { DEFAULT_REQUESTS_IN_PARALLEL } from '../nodes/FeishuCoreHr/actions/requestOptions';
import type { N8nInstall } from '../dev/n8n/runner';
import { ensureN8n, N8nInstance, nodeOutput, nodeRuns, REPO_ROOT, summarizeRun } from '../dev/n8n/runner';
import { runFeishu } from '../dev/harness/n8nCore';
import { BENCH_WORKFLOW_ID, benchUpdateParameters, failedItems, fixed, freshCredentials, importBenchWorkflow, line, NODE_NAME, rows, WIRE_BODY } from './common';

interface LoopResult {
	ms: number;
	count: number;
	failed: number;
}

type KeepAliveLoop = (job: LoopJob) => Promise<LoopResult>;

interface LoopJob {
	baseUrl: string;
	appId: string;
	appSecret: string;
	ids: string[];
	body: object;
	runId: string;
}

const LOOP_SCRIPT = path.join(__dirname, 'keepAliveLoop.mjs');

let loopFn: KeepAliveLoop | undefined;
async function inProcessLoop(job: LoopJob): Promise<LoopResult> {
	// The loop is plain JS so a bare Node binary can run it too; load it as the ES module it is.
	loopFn ??= ((await import(LOOP_SCRIPT)) as { keepAliveLoop: KeepAliveLoop }).keepAliveLoop;
	return await loopFn(job);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function loopJob(emulator: Emulator, ids: string[], runId: string): LoopJob {
	return { baseUrl: emulator.url, ...emulator.defaultApp, ids, body: WIRE_BODY, runId };
}

export interface CostResult {
	/** ms per update, median over the rounds */
	node: number;
	bare: number;
	failed: number;
}

/** (a) n8n-core's WorkflowExecute in this process vs the loop in this process. */
export async function coreCost(emulator: Emulator, updates: number, rounds: number, inParallel = DEFAULT_REQUESTS_IN_PARALLEL): Promise<CostResult> {
	const parameters = benchUpdateParameters(inParallel);
	// Warm both paths up (JIT, sockets) so the rounds compare steady states.
	const warm = emulator.seedAssessments(100);
	await runFeishu(freshCredentials(emulator), rows(warm), parameters);
	await inProcessLoop(loopJob(emulator, warm, 'warm'));

	const node: number[] = [];
	const wall: number[] = [];
	const bare: number[] = [];
	let failed = 0;
	for (let round = 0; round < rounds; round++) {
		const ids = emulator.seedAssessments(updates);
		const started = performance.now();
		const result = await runFeishu(freshCredentials(emulator), rows(ids), parameters, { continueOnFail: true });
		failed += ids.filter((id) => emulator.applyCount(id) !== 1).length;
		wall.push((performance.now() - started) / updates);
		const task = result.run.data.resultData.runData[NODE_NAME]?.[0];
		node.push((task?.executionTime ?? NaN) / updates);
		failed += failedItems(updates, result.items);
		const loop = await inProcessLoop(loopJob(emulator, emulator.seedAssessments(updates), `core-${round}`));
		bare.push(loop.ms / loop.count);
		failed += loop.failed;
	}
	const out = { node: median(node), bare: median(bare), failed };
	line('node in n8n-core (its executionTime)', `${fixed(out.node, 2)} ms/update`, `rounds: ${node.map((v) => fixed(v, 2)).join(', ')}; the emulator's server work included`);
	line('  whole workflow run, wall clock', `${fixed(median(wall), 2)} ms/update`);
	line('bare keep-alive loop, same process', `${fixed(out.bare, 3)} ms/update`, `rounds: ${bare.map((v) => fixed(v, 3)).join(', ')}`);
	line('ratio node ÷ bare', `${fixed(out.node / out.bare, 1)}×`, `overhead ${fixed(out.node - out.bare, 2)} ms/update`);
	if (failed > 0) line('FAILED updates', String(failed));
	return out;
}

function runLoopUnder(nodeBin: string, job: LoopJob, dir: string): Promise<LoopResult> {
	const file = path.join(dir, `loop-${job.runId}.json`);
	fs.writeFileSync(file, JSON.stringify(job));
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBin, [LOOP_SCRIPT, file], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		child.stdout.on('data', (b: Buffer) => (out += b.toString()));
		child.stderr.on('data', (b: Buffer) => (err += b.toString()));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code !== 0) reject(new Error(`keep-alive loop under ${nodeBin} exited ${String(code)}: ${err}`));
			else resolve(JSON.parse(out) as LoopResult);
		});
	});
}

function nodeVersion(nodeBin: string): string {
	return spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** One run of the node as bench/nodeClock.cjs saw it from inside n8n. */
interface NodeClock {
	items: number;
	wallMs: number;
	/** null on Node < 23.9 (n8n 1.x here) */
	mainCpuMs: number | null;
	processCpuMs: number;
	elu: number;
	expressions: number;
	parameterReads: number;
	/** the process that started n8n: this one, serving the emulator (null off Linux) */
	parentCpuMs: number | null;
	/** cores all other processes kept busy meanwhile (null off Linux) */
	othersCores: number | null;
}

const NODE_CLOCK = path.join(__dirname, 'nodeClock.cjs');

function lastClock(file: string): NodeClock | undefined {
	if (!fs.existsSync(file)) return undefined;
	const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
	return JSON.parse(lines[lines.length - 1]) as NodeClock;
}

export interface N8nCost extends CostResult {
	/** the n8n process's CPU ms per update (all its threads), median */
	cpu: number;
	/** expressions n8n evaluated per update */
	expressions: number;
	/** the most cores other processes kept busy while the node ran (NaN if unknown) */
	othersCores: number;
}

interface VariantRounds {
	wall: number[];
	cpu: number[];
	elu: number[];
	expressions: number[];
	reads: number[];
	emulatorCpu: number[];
	/** the whole `n8n execute` process, ms */
	whole: number[];
	/** cores other processes kept busy during each run */
	others: number[];
}

/** One `n8n execute` of a bench workflow, clocked from inside (nodeClock.cjs) and checked. */
async function clockedRun(instance: N8nInstance, version: string, workflowId: string, updates: number, clockFile: string, into: VariantRounds): Promise<number> {
	const res = await instance.execute(workflowId, { env: { NODE_OPTIONS: `--require "${NODE_CLOCK}"`, BENCH_NODE_CLOCK: clockFile } });
	const task = nodeRuns(res.run, NODE_NAME)[0];
	const output = nodeOutput(res.run, NODE_NAME);
	if (res.exitCode !== 0 || task === undefined || output.length !== updates) {
		const summary = summarizeRun(res.run);
		throw new Error(
			`n8n ${version} run of ${workflowId} failed (exit ${res.exitCode}, ${output.length} items): ${JSON.stringify(summary.error ?? summary)}\n${res.stderr.slice(-2000)}`,
		);
	}
	into.wall.push(Number(task.executionTime) / updates);
	into.whole.push(res.durationMs);
	const clock = lastClock(clockFile);
	if (clock !== undefined && clock.items === updates) {
		into.cpu.push(clock.processCpuMs / updates);
		into.elu.push(clock.elu);
		into.expressions.push(clock.expressions / updates);
		into.reads.push(clock.parameterReads / updates);
		// This process does nothing but serve the emulator while the node runs.
		if (clock.parentCpuMs !== null) into.emulatorCpu.push(clock.parentCpuMs / updates);
		if (clock.othersCores !== null) into.others.push(clock.othersCores);
	}
	return failedItems(updates, output.map((json) => ({ json: json as Record<string, never> })));
}

function printVariant(label: string, r: VariantRounds): void {
	const list = (values: number[], digits: number) => values.map((v) => fixed(v, digits)).join(', ');
	line(`${label}, executionTime`, `${fixed(median(r.wall), 2)} ms/update`, `rounds: ${list(r.wall, 2)}`);
	if (r.cpu.length === 0) {
		line('  from inside n8n', 'n/a', 'bench/nodeClock.cjs did not attach');
		return;
	}
	const waited = Math.min(...r.elu) >= 0.95 ? 'it never waited for the emulator' : 'it waited part of the time';
	line("  n8n's CPU (all its threads)", `${fixed(median(r.cpu), 2)} ms/update`, `rounds: ${list(r.cpu, 2)}; main thread busy ${list(r.elu, 2)} of the time (${waited})`);
	line('  expressions evaluated / parameters read', `${fixed(median(r.expressions), 1)} / ${fixed(median(r.reads), 1)} per update`);
	if (r.emulatorCpu.length > 0) line("  the emulator's CPU (this process)", `${fixed(median(r.emulatorCpu), 2)} ms/update`);
	if (r.others.length > 0) {
		const busy = Math.max(...r.others) > BUSY_CORES;
		line(
			'  other processes while the node ran',
			`${r.others.map((v) => fixed(v, 2)).join(', ')} cores`,
			busy ? 'BUSY: they competed for the CPU, so the wall figures are inflated (the CPU figures much less)' : 'a quiet machine',
		);
	}
}

/** Above this many cores kept busy by other processes during a run, its wall time is not the node's alone. */
export const BUSY_CORES = 0.25;

/**
 * (b) a real n8n: Start → Rows (Set, raw JSON) → Split Out → Feishu CoreHR (its current version,
 * Requests in Parallel `inParallel`), the node's own executionTime and, from inside n8n, its CPU.
 */
export async function n8nCost(
	emulator: Emulator,
	version: string,
	updates: number,
	rounds: number,
	options: { inParallel?: number } = {},
): Promise<N8nCost> {
	const install: N8nInstall = ensureN8n(version);
	const instance = new N8nInstance(install, { extensionPackages: [REPO_ROOT], timeoutMs: 600_000 });
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'feishu-bench-loop-'));
	const clockFile = path.join(scratch, 'node-clock.jsonl');
	const fresh = (): VariantRounds => ({ wall: [], cpu: [], elu: [], expressions: [], reads: [], emulatorCpu: [], whole: [], others: [] });
	try {
		const ids = emulator.seedAssessments(updates);
		await importBenchWorkflow(instance, emulator, ids, { inParallel: options.inParallel });
		const node = fresh();
		const bare: number[] = [];
		let failed = 0;
		for (let round = 0; round < rounds; round++) {
			failed += await clockedRun(instance, version, BENCH_WORKFLOW_ID, updates, clockFile, node);
			const loop = await runLoopUnder(install.nodeBin, loopJob(emulator, ids, `n8n-${version}-${round}`), scratch);
			bare.push(loop.ms / loop.count);
			failed += loop.failed;
		}
		// Every round wrote every ID once from the node and once from the loop: no client_token replay.
		const replayed = ids.filter((id) => emulator.applyCount(id) !== 2 * rounds).length;
		const out: N8nCost = {
			node: median(node.wall),
			bare: median(bare),
			failed: failed + replayed,
			cpu: node.cpu.length ? median(node.cpu) : NaN,
			expressions: node.expressions.length ? median(node.expressions) : NaN,
			othersCores: node.others.length ? Math.max(...node.others) : NaN,
		};
		printVariant(`node in n8n ${version}`, node);
		line('whole `n8n execute` process', `${fixed(median(node.whole) / 1000, 1)} s`, 'start-up, DB and the other nodes included');
		line(`bare keep-alive loop, Node ${nodeVersion(install.nodeBin)}`, `${fixed(out.bare, 3)} ms/update`, `rounds: ${bare.map((v) => fixed(v, 3)).join(', ')}`);
		line('ratio node ÷ bare', `${fixed(out.node / out.bare, 1)}×`, `overhead ${fixed(out.node - out.bare, 2)} ms/update`);
		if (failed > 0) line('FAILED updates', String(failed));
		if (replayed > 0) line('IDs not written exactly once per run', String(replayed));
		return out;
	} finally {
		instance.cleanup();
		fs.rmSync(scratch, { recursive: true, force: true });
	}
}
