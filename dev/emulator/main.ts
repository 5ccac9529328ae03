/**
 * Standalone Feishu CoreHR emulator: `npx tsx dev/emulator/main.ts` (npm run emulator).
 * PORT (default 3900) and HOST (default 127.0.0.1, loopback only). SEED=N generates N employments
 * (default 20, PEOPLE_SEED: the sample sheet's assessments plus the PEOPLE_CASES); SEED=demo serves
 * the three-person DEMO_SEED. LOG_REQUESTS=0 turns the request log off for long runs.
 */
import { DEMO_SEED, PEOPLE_CASES, PEOPLE_SEED, startEmulator } from './index';
import type { SeedData } from './index';

async function main(): Promise<void> {
	const port = Number(process.env.PORT ?? 3900);
	const host = process.env.HOST ?? '127.0.0.1';
	const seedText = process.env.SEED;
	const seed: SeedData | number = seedText === 'demo' ? DEMO_SEED : seedText ? Number(seedText) : PEOPLE_SEED;
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
	if (seed === PEOPLE_SEED) {
		lines.push('  people cases (employees/search; IDs shown as people_corehr_id):');
		for (const [name, c] of Object.entries(PEOPLE_CASES)) {
			const ids = c.employments.map((e) => `${e.employmentId} ${e.status}`).join(', ');
			lines.push(`    ${name.padEnd(17)} ${c.employeeNumber.padEnd(7)} ${c.localName} ${c.email}  ${ids}`);
		}
	}
	lines.push(`  admin       ${emulator.url}/__emulator/state  (POST reset, faults, config, expire-tokens)`);
	lines.push(`  persistent connection  POST ${emulator.url}/callback/ws/endpoint; admin ${emulator.url}/__emulator/long-connection/state (POST push, redeliver, drop, config)`);
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
