// The node's clock inside a real n8n, for bench section 2 (bench/perUpdate.ts). Preloaded into
// `n8n execute` with NODE_OPTIONS=--require, it wraps the Feishu node's execute() and writes one
// JSON line per run to the file in BENCH_NODE_CLOCK:
//   wallMs        what n8n's executionTime also counts (waiting for the emulator included);
//   processCpuMs  CPU time of the whole n8n process: the main thread, where the node and n8n's
//                 request helper run, and the threads working for it (n8n 2.x evaluates each
//                 expression in an isolated-vm isolate on another thread while the main thread
//                 waits; garbage collection);
//   mainCpuMs     CPU time of the main thread alone (Node ≥ 23.9: process.threadCpuUsage; else null);
//   elu           share of the wall time the main thread was busy (1.00: it never waited);
//   expressions   expressions n8n evaluated for the node (getNodeParameter on an "={{ … }}" value);
//   parameterReads  getNodeParameter calls the node made;
//   parentCpuMs   CPU time of the process that started n8n (the bench, serving the emulator);
//   hrStartUs, hrEndUs  the run's span on the monotonic clock of V8's CPU profiles;
//   othersCores   cores every other process (not n8n, its children or the bench) kept busy meanwhile,
//                 on average (Linux; else null).
// Counting only; nothing of the node or of n8n changes. Plain CommonJS, so Node 20 and 24 load it.
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');

const out = process.env.BENCH_NODE_CLOCK;
const state = { running: false, expressions: 0 };
const patched = new WeakSet();

/** Seconds of CPU (Linux /proc, in ticks of 1/100 s): the machine's busy time, or one process's. */
function machineCpu() {
	const [user, nice, system, , , irq, softirq] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
	return (user + nice + system + irq + softirq) / 100;
}
function processCpu(pid) {
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
	return (fields[11] + fields[12]) / 100; // utime, stime
}
/** n8n's own child processes (2.x starts a task runner at the same time as the workflow). */
function childrenCpu() {
	let total = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[1]) === process.pid) total += (Number(fields[11]) + Number(fields[12])) / 100;
		} catch {
			// gone meanwhile
		}
	}
	return total;
}
function cpuSnapshot() {
	try {
		return { machine: machineCpu(), self: processCpu(process.pid) + childrenCpu(), parent: processCpu(process.ppid) };
	} catch {
		return undefined;
	}
}

function countExpressions(workflow) {
	const Expression = workflow && workflow.Expression;
	if (!Expression || patched.has(Expression)) return;
	patched.add(Expression);
	const resolve = Expression.prototype.resolveSimpleParameterValue;
	Expression.prototype.resolveSimpleParameterValue = function (value, ...rest) {
		if (state.running && typeof value === 'string' && value.startsWith('=')) state.expressions++;
		return resolve.call(this, value, ...rest);
	};
}

function clockNode(exported) {
	const Node = exported && exported.FeishuCoreHr;
	if (!Node || patched.has(Node)) return;
	patched.add(Node);
	const execute = Node.prototype.execute;
	Node.prototype.execute = async function (...args) {
		const ctx = this;
		const getNodeParameter = ctx.getNodeParameter;
		let parameterReads = 0;
		ctx.getNodeParameter = function (...a) {
			parameterReads++;
			return getNodeParameter.apply(ctx, a);
		};
		const items = ctx.getInputData().length;
		state.running = true;
		state.expressions = 0;
		const snap0 = cpuSnapshot();
		const elu0 = performance.eventLoopUtilization();
		const cpu0 = process.cpuUsage();
		const thread0 = typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : undefined;
		const t0 = performance.now();
		const hr0 = process.hrtime.bigint();
		try {
			return await execute.apply(ctx, args);
		} finally {
			const wallMs = performance.now() - t0;
			const thread = thread0 ? process.threadCpuUsage(thread0) : undefined;
			const cpu = process.cpuUsage(cpu0);
			const elu = performance.eventLoopUtilization(elu0);
			const snap = snap0 && cpuSnapshot();
			state.running = false;
			const record = {
				items,
				wallMs,
				// The clock V8's CPU profiles use (µs): bench/profile.ts cuts a profile to the node's run.
				hrStartUs: Number(hr0 / 1000n),
				hrEndUs: Number(process.hrtime.bigint() / 1000n),
				mainCpuMs: thread ? (thread.user + thread.system) / 1000 : null,
				processCpuMs: (cpu.user + cpu.system) / 1000,
				elu: elu.utilization,
				expressions: state.expressions,
				parameterReads,
				parentCpuMs: snap ? (snap.parent - snap0.parent) * 1000 : null,
				othersCores: snap ? Math.max(0, snap.machine - snap0.machine - (snap.self - snap0.self) - (snap.parent - snap0.parent)) / (wallMs / 1000) : null,
			};
			if (out) fs.appendFileSync(out, `${JSON.stringify(record)}\n`);
		}
	};
}

const load = Module._load;
Module._load = function (request, ...rest) {
	const exported = load.call(this, request, ...rest);
	try {
		if (request === 'n8n-workflow') countExpressions(exported);
		else if (typeof request === 'string' && request.endsWith('FeishuCoreHr.node.js')) clockNode(exported);
	} catch {
		// A clock that cannot attach leaves n8n as it is; perUpdate.ts reports the missing figures.
	}
	return exported;
};
