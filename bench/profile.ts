/**
 * Where the time of one update goes: a V8 CPU profile of 1,000 updates (no limit, pacing off,
 * section 2's workflow), cut to the span while the node runs, summed by package and function
 * (self time), and the frames that hold most of it (inclusive time: e.g. getNodeParameter, the
 * router's targetsOf, n8n's request helper).
 *
 *   npx tsx bench/profile.ts            n8n-core's execution in this process (emulator included)
 *   npx tsx bench/profile.ts 2.41.0     a real n8n (`n8n execute` under --cpu-prof; npm run build first),
 *                                       cut to the node's execute() as bench/nodeClock.cjs times it
 *   --updates=N  --top=N  --keep        (--keep leaves the .cpuprofile files and prints where)
 *   --in-parallel=N                     Requests in Parallel (default 50, the node's default)
 */
import './env';

import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureN8n, N8nInstance, nodeOutput, REPO_ROOT } from '../dev/n8n/runner';
import { runFeishu } from '../dev/harness/n8nCore';
import { DEFAULT_REQUESTS_IN_PARALLEL } from '../nodes/FeishuCoreHr/actions/requestOptions';
import { BENCH_WORKFLOW_ID, benchEmulator, benchUpdateParameters, freshCredentials, importBenchWorkflow, NODE_NAME, rows } from './common';

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

const OWN_CODE = /\/(nodes\/FeishuCoreHr|credentials\/FeishuCoreHrApi)/;

/** The package a frame belongs to, in words a reader knows. */
function bucket(frame: CallFrame): string {
	const { url, functionName } = frame;
	if (url === '') {
		if (functionName.startsWith('(')) return functionName; // (garbage collector), (program), (idle)
		return '(native)';
	}
	if (OWN_CODE.test(url)) return 'this node (nodes/, credentials/)';
	if (url.includes('/dev/emulator/')) return 'emulator (server side)';
	if (url.includes('/dev/harness/')) return 'test harness';
	if (url.startsWith('node:')) {
		if (/_http_server/.test(url)) return 'node:http server (emulator)';
		return `node internals (${url.replace(/^node:(internal\/)?/, '').split('/')[0]})`;
	}
	const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf('node_modules/')));
	if (m) return m[1];
	return url.replace(/^file:\/\//, '').replace(REPO_ROOT, '.');
}

interface Summary {
	spanMs: number;
	byBucket: Array<[string, number]>;
	byFunction: Array<[string, number]>;
	/** time with the frame anywhere on the stack */
	inclusive: Array<[string, number]>;
}

/** Frames too general to say where time goes. */
const NOT_INCLUSIVE = /^\((root|program|idle|garbage collector)\)|^(processTicksAndRejections|runMicrotasks|listOnTimeout|processTimers) /;

/**
 * Self time by package and by function, and inclusive time by function, over the samples within
 * `span` (µs on the profile's clock) or else from the node's first to its last frame.
 */
function summarize(profile: CpuProfile, span?: { startUs: number; endUs: number }): Summary {
	const byId = new Map<number, ProfileNode>();
	const parent = new Map<number, number>();
	for (const n of profile.nodes) {
		byId.set(n.id, n);
		for (const c of n.children ?? []) parent.set(c, n.id);
	}
	const ownCache = new Map<number, boolean>();
	const onOwnStack = (id: number): boolean => {
		const cached = ownCache.get(id);
		if (cached !== undefined) return cached;
		const node = byId.get(id);
		const p = parent.get(id);
		const own = node !== undefined && (OWN_CODE.test(node.callFrame.url) || (p !== undefined && onOwnStack(p)));
		ownCache.set(id, own);
		return own;
	};
	let t = profile.startTime;
	const times: number[] = [];
	for (const d of profile.timeDeltas) {
		t += d;
		times.push(t);
	}
	let first = -1;
	let last = -1;
	profile.samples.forEach((id, i) => {
		const inside = span ? times[i] >= span.startUs && times[i] <= span.endUs : onOwnStack(id);
		if (inside) {
			if (first < 0) first = i;
			last = i;
		}
	});
	const name = (frame: CallFrame): string => {
		const b = bucket(frame);
		return `${frame.functionName || '(anonymous)'}  ${b}${frame.url ? ` ${path.basename(frame.url)}:${frame.lineNumber + 1}` : ''}`;
	};
	const buckets = new Map<string, number>();
	const functions = new Map<string, number>();
	const inclusive = new Map<string, number>();
	for (let i = Math.max(first, 0); i <= last && i + 1 < profile.samples.length; i++) {
		const dt = times[i + 1] - times[i];
		const frame = byId.get(profile.samples[i])?.callFrame;
		if (!frame) continue;
		const b = bucket(frame);
		buckets.set(b, (buckets.get(b) ?? 0) + dt);
		const fn = name(frame);
		functions.set(fn, (functions.get(fn) ?? 0) + dt);
		const seen = new Set<string>();
		for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
			const at = byId.get(id);
			if (!at) break;
			const key = name(at.callFrame);
			if (seen.has(key) || NOT_INCLUSIVE.test(key)) continue;
			seen.add(key);
			inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
		}
	}
	const sort = (m: Map<string, number>): Array<[string, number]> => [...m.entries()].sort((a, b) => b[1] - a[1]);
	return {
		spanMs: first < 0 ? 0 : (times[last] - times[first]) / 1000,
		byBucket: sort(buckets),
		byFunction: sort(functions),
		inclusive: sort(inclusive),
	};
}

function print(summary: Summary, updates: number, top: number): void {
	const total = summary.byBucket.reduce((s, [, us]) => s + us, 0);
	console.log(`  span while the node ran: ${(summary.spanMs / updates).toFixed(3)} ms/update (${summary.spanMs.toFixed(0)} ms, profiler on)`);
	console.log('  self time by package:');
	for (const [name, us] of summary.byBucket.slice(0, top)) {
		console.log(`    ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000 / updates).toFixed(3)} ms/update  ${name}`);
	}
	console.log('  hottest functions (self time):');
	for (const [name, us] of summary.byFunction.slice(0, top)) {
		console.log(`    ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
	}
	console.log('  where it goes (inclusive time: the frame anywhere on the stack):');
	for (const [name, us] of summary.inclusive.slice(0, 2 * top)) {
		console.log(`    ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000 / updates).toFixed(3)} ms/update  ${name}`);
	}
}

interface Profiled {
	profile: CpuProfile;
	/** the node's execute() on the profile's clock, when known */
	span?: { startUs: number; endUs: number };
}

async function profileCore(updates: number, inParallel: number): Promise<Profiled> {
	const emulator = await benchEmulator();
	const session = new Session();
	session.connect();
	const post = (method: string, params?: object): Promise<unknown> =>
		new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
	try {
		const parameters = benchUpdateParameters(inParallel);
		await runFeishu(freshCredentials(emulator), rows(emulator.seedAssessments(100)), parameters); // warm-up
		const ids = emulator.seedAssessments(updates);
		await post('Profiler.enable');
		await post('Profiler.setSamplingInterval', { interval: 100 });
		await post('Profiler.start');
		await runFeishu(freshCredentials(emulator), rows(ids), parameters);
		const { profile } = (await post('Profiler.stop')) as { profile: CpuProfile };
		return { profile };
	} finally {
		session.disconnect();
		await emulator.close();
	}
}

async function profileN8n(version: string, updates: number, dir: string, inParallel: number): Promise<Profiled> {
	const emulator = await benchEmulator();
	// Node 20 refuses --cpu-prof in NODE_OPTIONS: start n8n through a wrapper that passes it.
	const install = ensureN8n(version);
	const wrapper = path.join(dir, 'bin', 'node');
	fs.mkdirSync(path.dirname(wrapper));
	fs.writeFileSync(wrapper, `#!/bin/sh\nexec '${install.nodeBin}' --cpu-prof --cpu-prof-dir='${dir}' --cpu-prof-interval=100 "$@"\n`, { mode: 0o755 });
	const instance = new N8nInstance({ ...install, nodeBin: wrapper }, { extensionPackages: [REPO_ROOT], timeoutMs: 600_000 });
	try {
		const ids = emulator.seedAssessments(updates);
		await importBenchWorkflow(instance, emulator, ids, { inParallel });
		const clockFile = path.join(dir, 'node-clock.jsonl');
		const res = await instance.execute(BENCH_WORKFLOW_ID, {
			env: { NODE_OPTIONS: `--require "${path.join(__dirname, 'nodeClock.cjs')}"`, BENCH_NODE_CLOCK: clockFile },
		});
		if (res.exitCode !== 0 || nodeOutput(res.run, NODE_NAME).length !== updates) {
			throw new Error(`n8n ${version} run failed (exit ${res.exitCode}):\n${res.stderr.slice(-2000)}`);
		}
		// The node's execute() as nodeClock.cjs timed it: profiles take their stamps from the same clock.
		const clock = fs.existsSync(clockFile) ? (JSON.parse(fs.readFileSync(clockFile, 'utf8').trim().split('\n').pop() as string) as { hrStartUs?: number; hrEndUs?: number }) : {};
		const span = clock.hrStartUs !== undefined && clock.hrEndUs !== undefined ? { startUs: clock.hrStartUs, endUs: clock.hrEndUs } : undefined;
		// n8n starts helper processes too (task runners, …); the profile that saw the node run is the main process's.
		let best: { profile: CpuProfile; span: number } | undefined;
		for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
			const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
			const seen = summarize(profile).spanMs;
			if (seen > (best?.span ?? 0)) best = { profile, span: seen };
		}
		if (best) return { profile: best.profile, span };
		throw new Error(`no profile in ${dir} saw the node`);
	} finally {
		instance.cleanup();
		await emulator.close();
	}
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const target = args.find((a) => !a.startsWith('--')) ?? 'core';
	const updates = Number(args.find((a) => a.startsWith('--updates='))?.split('=')[1] ?? 1000);
	const top = Number(args.find((a) => a.startsWith('--top='))?.split('=')[1] ?? 15);
	const keep = args.includes('--keep');
	const inParallel = Number(args.find((a) => a.startsWith('--in-parallel='))?.split('=')[1] ?? DEFAULT_REQUESTS_IN_PARALLEL);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'feishu-bench-profile-'));
	try {
		const where = target === 'core' ? "n8n-core's execution in this process" : `n8n ${target}`;
		console.log(`profile: ${updates} updates, ${where}, Requests in Parallel ${inParallel}`);
		const { profile, span } = target === 'core' ? await profileCore(updates, inParallel) : await profileN8n(target, updates, dir, inParallel);
		if (keep) {
			const file = path.join(dir, `${target}.cpuprofile`);
			fs.writeFileSync(file, JSON.stringify(profile));
			console.log(`  profile kept: ${file}`);
		}
		if (target !== 'core' && span === undefined) console.log('  (bench/nodeClock.cjs did not time the node: the span runs from its first to its last frame, n8n start-up included)');
		print(summarize(profile, span), updates, top);
	} finally {
		if (!keep) fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
