/**
 * One run of section 6 in its own process (spawned by bench/distance.ts), because Node reads
 * NODE_EXTRA_CA_CERTS — how n8n comes to trust the TLS front's certificate — only at start.
 * Prints one `RESULT {json}` line.
 */
import './env';

import { latencyProxy, tlsFront } from '../dev/net/distance';
import { CREDENTIAL_ID, MemoryCredentialsHelper, runFeishu } from '../dev/harness/n8nCore';
import { benchEmulator, failedItems, rows, updateParameters } from './common';
import type { DistanceCase, DistanceResult } from './distance';
import { idealMs } from './throughput';

/**
 * The share of the limit used once the run is under way, whatever the sheet's length: at full use
 * each write goes exactly one window after the write `limit` places before it.
 */
function steady(times: number[], limit: number, windowMs: number): number {
	const gaps: number[] = [];
	for (let k = limit; k < times.length; k++) gaps.push(times[k] - times[k - limit]);
	return gaps.length === 0 ? NaN : windowMs / (gaps.reduce((a, b) => a + b, 0) / gaps.length);
}

async function main(): Promise<void> {
	const c = JSON.parse(process.argv[2] ?? '{}') as DistanceCase;
	const certPath = process.env.NODE_EXTRA_CA_CERTS;
	const keyPath = process.env.FEISHU_BENCH_TLS_KEY;
	if (!certPath || !keyPath) throw new Error('NODE_EXTRA_CA_CERTS and FEISHU_BENCH_TLS_KEY must name the certificate and key');
	const limit = { limit: c.limit, windowMs: c.windowMs };
	const emulator = await benchEmulator({ writeRateLimit: limit, latencyMs: c.serverMs, logRequests: true });
	const front = await tlsFront({ dir: '', certPath, keyPath, remove: () => {} }, emulator.port);
	const proxy = await latencyProxy(front.port, c.rttMs);
	try {
		const ids = emulator.seedAssessments(c.updates);
		const credentials = new MemoryCredentialsHelper();
		credentials.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: `https://127.0.0.1:${proxy.port}`, ...emulator.defaultApp });
		const options: Record<string, number> = { requestsInParallel: c.inParallel };
		if (c.maxRequestsPerMinute !== undefined) options.maxRequestsPerMinute = c.maxRequestsPerMinute;
		const started = Date.now();
		// On Error → Stop, the node's default: the stricter send order (see actions/writeOrder.ts) is what users get.
		const result = await runFeishu(credentials, rows(ids), updateParameters(options), { continueOnFail: false });
		const elapsedMs = Date.now() - started;
		const failed = failedItems(c.updates, result.items) + (result.error ? 1 : 0);
		const ideal = idealMs(c.updates, limit);
		const patches = emulator.requests.filter((r) => r.method === 'PATCH');
		const out: DistanceResult = {
			...c,
			elapsedMs,
			idealMs: ideal,
			utilisation: ideal / elapsedMs,
			rateLimited: emulator.rateLimited,
			failed,
			notOnce: ids.filter((id) => emulator.applyCount(id) !== 1).length,
			connections: front.connections,
			tokenExchanges: emulator.tokenExchanges,
			firstAnswerMs: patches.length > 0 ? patches[0].time - started : NaN,
			steadyUtilisation: steady(patches.filter((p) => p.status === 200).map((p) => p.time), c.limit, c.windowMs),
		};
		console.log(`RESULT ${JSON.stringify(out)}`);
	} finally {
		await proxy.close();
		await front.close();
		await emulator.close();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
		process.exit(1);
	},
);
