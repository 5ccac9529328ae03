/**
 * Section 1: throughput at Feishu's limit, in real time. The emulator enforces a sliding window
 * (the real one: 100 writes per 60 s); the node runs through n8n-core's execution, once with its
 * pacer at the default and once with pacing off (its 429 handling alone).
 */
import type { Emulator, RateLimitConfig, RequestLogEntry } from '../dev/emulator';
import { runFeishu } from '../dev/harness/n8nCore';
import { benchEmulator, failedItems, fixed, freshCredentials, goal, line, rows, seconds, updateParameters } from './common';

export interface ThroughputCase {
	label: string;
	limit: RateLimitConfig;
	updates: number;
	/** The node's maxRequestsPerMinute option (0 = pacing off). */
	maxRequestsPerMinute: number;
}

export interface ThroughputResult {
	elapsedMs: number;
	idealMs: number;
	utilisation: number;
	rateLimited: number;
	failed: number;
	tokenExchanges: number;
}

/** The fastest any client can finish: one full window for every `limit` writes after the first batch. */
export function idealMs(updates: number, limit: RateLimitConfig): number {
	return Math.floor((updates - 1) / limit.limit) * limit.windowMs;
}

interface Rejection {
	/** 1-based position among the PATCHes the emulator saw. */
	seq: number;
	atMs: number;
	/** How long before the window would have let it through. */
	earlyMs: number;
	/** The accepted PATCH whose place in the window it needed, and when that one arrived. */
	waitedFor: number;
	waitedForAtMs: number;
}

/** Where each 429 fell against the emulator's window: the evidence for (or against) a pacer margin. */
function rejections(log: RequestLogEntry[], limit: RateLimitConfig, startedAt: number): Rejection[] {
	const patches = log.filter((r) => r.method === 'PATCH');
	const accepted: Array<{ seq: number; time: number }> = [];
	const out: Rejection[] = [];
	patches.forEach((r, i) => {
		if (r.status !== 429) {
			accepted.push({ seq: i + 1, time: r.time });
			return;
		}
		const oldest = accepted[accepted.length - limit.limit];
		out.push({
			seq: i + 1,
			atMs: r.time - startedAt,
			earlyMs: oldest === undefined ? NaN : oldest.time + limit.windowMs - r.time,
			waitedFor: oldest?.seq ?? NaN,
			waitedForAtMs: oldest === undefined ? NaN : oldest.time - startedAt,
		});
	});
	return out;
}

function at(ms: number): string {
	return `+${(ms / 1000).toFixed(3)} s`;
}

export async function throughputCase(c: ThroughputCase): Promise<ThroughputResult> {
	const emulator: Emulator = await benchEmulator({ writeRateLimit: c.limit, logRequests: true });
	try {
		const ids = emulator.seedAssessments(c.updates);
		const credentials = freshCredentials(emulator);
		const started = Date.now();
		const result = await runFeishu(credentials, rows(ids), updateParameters({ maxRequestsPerMinute: c.maxRequestsPerMinute }), {
			continueOnFail: true,
		});
		const elapsedMs = Date.now() - started;
		const ideal = idealMs(c.updates, c.limit);
		const failed = failedItems(c.updates, result.items) + (result.error ? 1 : 0);
		const wrong = ids.filter((id) => emulator.applyCount(id) !== 1).length;
		const out: ThroughputResult = {
			elapsedMs,
			idealMs: ideal,
			utilisation: ideal / elapsedMs,
			rateLimited: emulator.rateLimited,
			failed,
			tokenExchanges: emulator.tokenExchanges,
		};

		console.log(`  -- ${c.label}: ${c.updates} updates, limit ${c.limit.limit} per ${seconds(c.limit.windowMs)}, maxRequestsPerMinute ${c.maxRequestsPerMinute}`);
		line('time taken', seconds(elapsedMs), `ideal ${seconds(ideal)}`);
		line('utilisation (ideal ÷ time taken)', fixed(out.utilisation, 3));
		line('429 answers provoked', String(out.rateLimited));
		line('failed items', String(failed), goal(failed === 0, '0'));
		line('assessments not written exactly once', String(wrong));
		const log = emulator.requests;
		const token = log.find((r) => r.path.endsWith('/tenant_access_token/internal'));
		const patches = log.filter((r) => r.method === 'PATCH');
		if (token && patches[0]) {
			line('token request, PATCH #1 arrived at', `${at(token.time - started)}, ${at(patches[0].time - started)}`, 'after the run started');
		}
		const rejected = rejections(log, c.limit, started);
		// The first few tell where they fell; the rest are alike.
		for (const r of rejected.slice(0, 8)) {
			line(
				`  429 on PATCH #${r.seq}, arrived at`,
				at(r.atMs),
				`${fixed(r.earlyMs, 0)} ms before the window let it in (its slot: PATCH #${r.waitedFor}, arrived at ${at(r.waitedForAtMs)})`,
			);
		}
		if (rejected.length > 8) line('  …', `${rejected.length - 8} more 429 answers`);
		return out;
	} finally {
		await emulator.close();
	}
}
