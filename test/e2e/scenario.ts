/**
 * The scenarios of the end-to-end scripts (e2e.ts, queue.ts, longConnection.ts): each runs its
 * checks, prints them as it ends with a PASS/FAIL line, and is recorded for the script's summary,
 * with the figures it measured.
 */

/** One scenario's checks and figures. */
export class Scenario {
	readonly failures: string[] = [];
	readonly notes: string[] = [];
	readonly figures: string[] = [];
	constructor(readonly name: string) {}

	check(cond: boolean, what: string, detail?: () => string): boolean {
		if (cond) this.notes.push(`ok   ${what}`);
		else this.failures.push(`FAIL ${what}${detail ? `\n${indent(detail(), 8)}` : ''}`);
		return cond;
	}

	/** A measured value: printed with the checks and kept for the summary. */
	figure(name: string, value: string): void {
		const line = `${name}: ${value}`;
		this.notes.push(`     ${line}`);
		this.figures.push(line);
	}
}

export type RunScenario = (name: string, body: (s: Scenario) => Promise<void>) => Promise<void>;

export interface ScenarioResult {
	/** What ran it, as the PASS/FAIL lines show it (e.g. "n8n 2.41.0"). */
	label: string;
	scenario: string;
	passed: boolean;
	figures: string[];
}

export function indent(text: string, n: number): string {
	const pad = ' '.repeat(n);
	return String(text)
		.split('\n')
		.map((l) => pad + l)
		.join('\n');
}

/**
 * A runner recording into `results`, its lines labelled `[label]`; scenarios whose name does not
 * match `only` are skipped. A scenario that throws fails with the error.
 */
export function scenarioRunner(results: ScenarioResult[], label: string, only?: RegExp): RunScenario {
	return async (name, body) => {
		if (only && !only.test(name)) return;
		const s = new Scenario(name);
		const started = Date.now();
		console.log(`\n  -- ${name}`);
		try {
			await body(s);
		} catch (error) {
			s.failures.push(`FAIL threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		}
		for (const line of [...s.notes, ...s.failures]) console.log(indent(line, 6));
		const passed = s.failures.length === 0;
		results.push({ label, scenario: name, passed, figures: s.figures });
		console.log(`  ${passed ? 'PASS' : 'FAIL'} [${label}] ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
	};
}

/** A part of the run that failed outside any scenario (starting n8n, say). */
export function setupFailed(results: ScenarioResult[], label: string, error: unknown): void {
	results.push({ label, scenario: 'setup', passed: false, figures: [] });
	console.log(`  FAIL [${label}] setup: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
