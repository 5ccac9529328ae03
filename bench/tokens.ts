/**
 * Section 3: token exchanges per run. A fresh credential needs one; when every token expires in
 * the middle of the run, the node must exchange exactly once more and lose no item.
 */
import type { Emulator } from '../dev/emulator';
import { runFeishu } from '../dev/harness/n8nCore';
import { failedItems, freshCredentials, goal, line, rows, updateParameters } from './common';

export interface TokenResult {
	exchanges: number;
	expiring: number;
	failed: number;
}

export async function tokenExchanges(emulator: Emulator, updates: number): Promise<TokenResult> {
	const parameters = updateParameters({ maxRequestsPerMinute: 0 });

	let ids = emulator.seedAssessments(updates);
	let before = emulator.tokenExchanges;
	const plain = await runFeishu(freshCredentials(emulator), rows(ids), parameters, { continueOnFail: true });
	const exchanges = emulator.tokenExchanges - before;
	let failed = failedItems(updates, plain.items);
	line(`${updates} updates, fresh credential`, `${exchanges} token exchange(s)`, goal(exchanges === 1, '1'));

	ids = emulator.seedAssessments(updates);
	const half = ids[Math.floor(updates / 2) - 1];
	// Every issued token dies once the middle item has been written (polled: the run is in this process).
	let expiredAfter = -1;
	const watch = setInterval(() => {
		if (expiredAfter < 0 && emulator.applyCount(half) > 0) {
			emulator.expireAllTokens();
			expiredAfter = ids.filter((id) => emulator.applyCount(id) > 0).length;
		}
	}, 1);
	before = emulator.tokenExchanges;
	const credentials = freshCredentials(emulator);
	let expiring: number;
	let failedExpiring: number;
	try {
		const result = await runFeishu(credentials, rows(ids), parameters, { continueOnFail: true });
		expiring = emulator.tokenExchanges - before;
		failedExpiring = failedItems(updates, result.items);
	} finally {
		clearInterval(watch);
	}
	failed += failedExpiring;
	line(
		`${updates} updates, all tokens expire after #${expiredAfter}`,
		`${expiring} token exchange(s)`,
		goal(expiring === 2 && expiredAfter > 0, '2'),
	);
	line('  failed items in that run', String(failedExpiring), goal(failedExpiring === 0, '0'));
	line('  tokens n8n would have stored', String(credentials.savedTokens.length));
	return { exchanges, expiring, failed };
}
