/**
 * Section 2: what one update costs the node itself, with no limit and no pacing: (a) through
 * n8n-core's execution in this process, (b) inside a real n8n; each against a bare keep-alive loop
 * sending the same PATCHes from the same kind of process.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Emulator } from '../dev/emulator';
import type { N8nInstall } from '../dev/n8n/runner';
import { ensureN8n, N8nInstance, nodeOutput, nodeRuns, REPO_ROOT, summarizeRun } from '../dev/n8n/runner';
import { runFeishu } from '../dev/harness/n8nCore';
import { BENCH_WORKFLOW_ID, failedItems, fixed, freshCredentials, importBenchWorkflow, line, NODE_NAME, rows, updateParameters, WIRE_BODY } from './common';

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
export async function coreCost(emulator: Emulator, updates: number, rounds: number): Promise<CostResult> {
	const parameters = updateParameters({ maxRequestsPerMinute: 0 });
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
	line('node in n8n-core (its executionTime)', `${fixed(out.node, 2)} ms/update`, `rounds: ${node.map((v) => fixed(v, 2)).join(', ')}`);
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

/** (b) a real n8n: Start → Rows (Set, raw JSON) → Split Out → Feishu CoreHR, the node's own executionTime. */
export async function n8nCost(emulator: Emulator, version: string, updates: number, rounds: number): Promise<CostResult> {
	const install: N8nInstall = ensureN8n(version);
	const instance = new N8nInstance(install, { extensionPackages: [REPO_ROOT], timeoutMs: 600_000 });
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'feishu-bench-loop-'));
	try {
		const ids = emulator.seedAssessments(updates);
		await importBenchWorkflow(instance, emulator, ids);
		const node: number[] = [];
		const whole: number[] = [];
		const bare: number[] = [];
		let failed = 0;
		for (let round = 0; round < rounds; round++) {
			const res = await instance.execute(BENCH_WORKFLOW_ID);
			const task = nodeRuns(res.run, NODE_NAME)[0];
			const output = nodeOutput(res.run, NODE_NAME);
			const bad = failedItems(updates, output.map((json) => ({ json: json as Record<string, never> })));
			if (res.exitCode !== 0 || task === undefined || output.length !== updates) {
				const summary = summarizeRun(res.run);
				throw new Error(
					`n8n ${version} run failed (exit ${res.exitCode}, ${output.length} items): ${JSON.stringify(summary.error ?? summary)}\n${res.stderr.slice(-2000)}`,
				);
			}
			failed += bad;
			node.push(Number(task.executionTime) / updates);
			whole.push(res.durationMs);
			const loop = await runLoopUnder(install.nodeBin, loopJob(emulator, ids, `n8n-${version}-${round}`), scratch);
			bare.push(loop.ms / loop.count);
			failed += loop.failed;
		}
		// Every round wrote every ID once from the node and once from the loop: no client_token replay.
		const replayed = ids.filter((id) => emulator.applyCount(id) !== 2 * rounds).length;
		const out = { node: median(node), bare: median(bare), failed: failed + replayed };
		line(`node in n8n ${version} (its executionTime)`, `${fixed(out.node, 2)} ms/update`, `rounds: ${node.map((v) => fixed(v, 2)).join(', ')}`);
		line('  whole `n8n execute` process', `${fixed(median(whole) / 1000, 1)} s`, 'start-up, DB and the other nodes included');
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
