/**
 * Standalone Feishu CoreHR emulator: `npx tsx test/emulator/main.ts` (npm run emulator).
 * PORT (default 3900) and HOST (default 127.0.0.1, loopback only). Optional SEED=N generates N employments
 * instead of the demo data; LOG_REQUESTS=0 turns the request log off for long runs.
 */
import { startEmulator } from './index';

async function main(): Promise<void> {
	const port = Number(process.env.PORT ?? 3900);
	const host = process.env.HOST ?? '127.0.0.1';
	const seed = process.env.SEED ? Number(process.env.SEED) : undefined;
	const emulator = await startEmulator({
		port,
		host,
		seed,
		logRequests: process.env.LOG_REQUESTS !== '0',
	});

	const lines = [
		`Feishu CoreHR emulator listening on ${emulator.url}`,
		`  base URL    ${emulator.url}`,
		`  app ID      ${emulator.defaultApp.appId}`,
		`  app secret  ${emulator.defaultApp.appSecret}`,
		'  assessments:',
		...[...emulator.assessments.values()]
			.slice(0, 20)
			.map((a) => `    ${a.assessment_id}  employment ${a.employment_id}  ${a.assessment_status}`),
	];
	if (emulator.assessments.size > 20) lines.push(`    … ${emulator.assessments.size - 20} more`);
	lines.push(`  admin       ${emulator.url}/__emulator/state  (POST reset, faults, config, expire-tokens)`);
	lines.push('Ctrl+C to stop.');
	process.stdout.write(`${lines.join('\n')}\n`);

	let closing = false;
	const stop = (signal: string): void => {
		if (closing) return;
		closing = true;
		process.stdout.write(`\n${signal}: closing emulator\n`);
		emulator.close().then(
			() => process.exit(0),
			(err: unknown) => {
				process.stderr.write(`close failed: ${String(err)}\n`);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
	process.stderr.write(`emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
	process.exit(1);
});
