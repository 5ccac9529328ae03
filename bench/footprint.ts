/**
 * Section 4: peak memory for a big sheet through n8n-core's execution, measured in a child process
 * (bench/memory.ts) so nothing of the benchmark itself or the emulator is in the figure.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Emulator } from '../dev/emulator';
import { fixed, goal, line } from './common';
import type { MemoryReport } from './memory';

const MB = 1024 * 1024;

export interface FootprintResult {
	mbPer1k: number;
	failed: number;
}

export async function footprint(emulator: Emulator, items: number): Promise<FootprintResult> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'feishu-bench-memory-'));
	try {
		const job = path.join(dir, 'job.json');
		fs.writeFileSync(
			job,
			JSON.stringify({ baseUrl: emulator.url, ...emulator.defaultApp, warmIds: emulator.seedAssessments(20), ids: emulator.seedAssessments(items) }),
		);
		const report = await new Promise<MemoryReport>((resolve, reject) => {
			const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'memory.ts'), job], {
				cwd: path.join(__dirname, '..'),
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let out = '';
			let err = '';
			child.stdout.on('data', (b: Buffer) => (out += b.toString()));
			child.stderr.on('data', (b: Buffer) => (err += b.toString()));
			child.on('error', reject);
			child.on('close', (code) => {
				const last = out.trim().split('\n').pop() ?? '';
				if (code !== 0 || !last.startsWith('{')) reject(new Error(`bench/memory.ts exited ${String(code)}:\n${err}${out}`));
				else resolve(JSON.parse(last) as MemoryReport);
			});
		});
		const per1k = (bytes: number): number => bytes / MB / (items / 1000);
		const rssGrowth = report.peak.rss - report.before.rss;
		const heapGrowth = report.peak.heapUsed - report.before.heapUsed;
		line(`${items} items in ${fixed(report.ms / 1000, 1)} s`, `failed ${report.failed}`, goal(report.failed === 0, '0'));
		line('RSS before → peak', `${fixed(report.before.rss / MB, 0)} → ${fixed(report.peak.rss / MB, 0)} MB`, `maxRSS ${fixed(report.maxRss / MB, 0)} MB`);
		line('heap used before → peak', `${fixed(report.before.heapUsed / MB, 0)} → ${fixed(report.peak.heapUsed / MB, 0)} MB`, `heap total peak ${fixed(report.peak.heapTotal / MB, 0)} MB`);
		line('retained after the run (gc, output kept)', `heap ${fixed(report.retained.heapUsed / MB, 0)} MB, RSS ${fixed(report.retained.rss / MB, 0)} MB`, `${fixed(per1k(report.retained.heapUsed - report.before.heapUsed), 1)} MB heap per 1,000 items`);
		line('peak RSS growth per 1,000 items', `${fixed(per1k(rssGrowth), 1)} MB`);
		line('peak heap growth per 1,000 items', `${fixed(per1k(heapGrowth), 1)} MB`);
		return { mbPer1k: per1k(rssGrowth), failed: report.failed };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
