/**
 * Sections 6 and 7: throughput where Feishu really is — over TLS, at a round-trip time, with
 * Feishu's own answer time — against the real limit (100 writes per 60 s), through n8n-core's
 * execution, with On Error → Stop as the node has it. Each run is a child process
 * (bench/distanceChild.ts) trusting a certificate made for this bench run; see
 * dev/net/distance.ts for the TLS front and the latency proxy.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

import { makeSelfSignedCert } from '../dev/net/distance';
import { REPO_ROOT } from '../dev/n8n/runner';
import { fixed, goal, line, seconds } from './common';

export interface DistanceCase {
	rttMs: number;
	/** Feishu's own time to answer, added by the emulator. */
	serverMs: number;
	inParallel: number;
	updates: number;
	limit: number;
	windowMs: number;
	maxRequestsPerMinute?: number;
}

export interface DistanceResult extends DistanceCase {
	elapsedMs: number;
	idealMs: number;
	utilisation: number;
	rateLimited: number;
	failed: number;
	/** Assessments not written exactly once. */
	notOnce: number;
	/** TLS connections the front accepted. */
	connections: number;
	tokenExchanges: number;
	firstAnswerMs: number;
	/** The share of the limit used once under way (independent of the sheet's length; see distanceChild.ts). */
	steadyUtilisation: number;
}

const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const CHILD = path.join(__dirname, 'distanceChild.ts');

async function runChild(c: DistanceCase, certPath: string, keyPath: string): Promise<DistanceResult> {
	return await new Promise((resolve, reject) => {
		const child = spawn(TSX, [CHILD, JSON.stringify(c)], {
			cwd: REPO_ROOT,
			env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath, FEISHU_BENCH_TLS_KEY: keyPath },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		child.on('close', (code) => {
			const result = /^RESULT (.*)$/m.exec(out);
			if (code === 0 && result) resolve(JSON.parse(result[1]) as DistanceResult);
			else reject(new Error(`distance run ${JSON.stringify(c)} failed (exit ${code}):\n${out.slice(-2000)}\n${err.slice(-3000)}`));
		});
	});
}

/** Runs the cases one after the other with one certificate; prints a line per run. */
export async function distanceRuns(cases: DistanceCase[]): Promise<DistanceResult[]> {
	const cert = makeSelfSignedCert();
	const results: DistanceResult[] = [];
	try {
		for (const c of cases) {
			const r = await runChild(c, cert.certPath, cert.keyPath);
			results.push(r);
			const perUpdate = r.elapsedMs / r.updates;
			line(
				`RTT ${r.rttMs} ms, ${r.inParallel} in parallel`,
				`utilisation ${fixed(r.utilisation, 3)}`,
				`steady ${fixed(r.steadyUtilisation, 3)}, ${seconds(r.elapsedMs)} of ideal ${seconds(r.idealMs)}, ${fixed(perUpdate, 0)} ms/update, 429 ${r.rateLimited}, failed ${r.failed}, not once ${r.notOnce}, TLS connections ${r.connections}, token exchanges ${r.tokenExchanges}`,
			);
		}
	} finally {
		cert.remove();
	}
	return results;
}

export function distanceGoals(results: DistanceResult[]): string {
	const worst = Math.min(...results.map((r) => r.utilisation));
	const provoked = results.reduce((n, r) => n + r.rateLimited, 0);
	const failed = results.reduce((n, r) => n + r.failed + r.notOnce, 0);
	return `${goal(worst >= 0.95, 'utilisation ≥ 0.95 at every RTT')} ${goal(provoked === 0, '0 provoked 429')} ${goal(failed === 0, '0 failed')}`;
}
