/**
 * Section 4's child process, so the figures hold nothing but the node's run: n8n-core's execution
 * of N updates against the emulator the parent runs. Started by bench/footprint.ts as
 *
 *   node --expose-gc --import tsx bench/memory.ts <job.json>
 *
 * job.json: {"baseUrl","appId","appSecret","warmIds":[…],"ids":[…]}. Prints one JSON line.
 */
import './env';

import * as fs from 'node:fs';

import { CREDENTIAL_ID, MemoryCredentialsHelper, runFeishu } from '../dev/harness/n8nCore';
import { failedItems, rows, updateParameters } from './common';

interface Job {
	baseUrl: string;
	appId: string;
	appSecret: string;
	warmIds: string[];
	ids: string[];
}

export interface MemoryReport {
	items: number;
	failed: number;
	ms: number;
	before: NodeJS.MemoryUsage;
	peak: { rss: number; heapUsed: number; heapTotal: number; external: number };
	/** resourceUsage().maxRSS of the whole process, in bytes. */
	maxRss: number;
	/** After the run, garbage collected, the run's result still referenced: what stays. */
	retained: NodeJS.MemoryUsage;
}

function credentials(job: Job): MemoryCredentialsHelper {
	const helper = new MemoryCredentialsHelper();
	helper.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: job.baseUrl, appId: job.appId, appSecret: job.appSecret });
	return helper;
}

function collect(): void {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (gc) {
		gc();
		gc();
	}
}

async function main(): Promise<void> {
	const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as Job;
	const parameters = updateParameters({ maxRequestsPerMinute: 0 });
	// Load and compile everything first, so the figures are about items, not code.
	await runFeishu(credentials(job), rows(job.warmIds), parameters, { continueOnFail: true });
	collect();
	const before = process.memoryUsage();
	const peak = { rss: before.rss, heapUsed: before.heapUsed, heapTotal: before.heapTotal, external: before.external };
	const sample = (): void => {
		const m = process.memoryUsage();
		peak.rss = Math.max(peak.rss, m.rss);
		peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
		peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal);
		peak.external = Math.max(peak.external, m.external);
	};
	const timer = setInterval(sample, 20);
	const started = performance.now();
	const result = await runFeishu(credentials(job), rows(job.ids), parameters, { continueOnFail: true });
	const ms = performance.now() - started;
	sample();
	clearInterval(timer);
	collect();
	const retained = process.memoryUsage();
	const report: MemoryReport = {
		items: job.ids.length,
		failed: failedItems(job.ids.length, result.items),
		ms,
		before,
		peak,
		maxRss: process.resourceUsage().maxRSS * 1024,
		retained,
	};
	// Keep the run's output alive up to the measurement above.
	if (result.items.length < 0) process.stdout.write('');
	process.stdout.write(`${JSON.stringify(report)}\n`);
	process.exit(0);
}

main().catch((error: unknown) => {
	process.stderr.write(`memory: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
