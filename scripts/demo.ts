/**
 * The main job, end to end on this machine: the bundled Feishu emulator, the sample spreadsheet,
 * and the node running inside n8n-core's real workflow execution, one PATCH per row.
 */
// First: n8n-core keeps its settings in a throwaway user folder, not ~/.n8n.
import '../test/setup-env';

import { readFileSync } from 'fs';
import { join } from 'path';

import { startEmulator } from '../test/emulator';
import { CREDENTIAL_ID, MemoryCredentialsHelper, runFeishu } from '../test/harness/n8nCore';
import { parseCsv } from './csv';

/** examples/assessments.csv was written against the emulator's generated seed of 20 employments. */
const CSV_SEED = 20;

const UPDATE_FROM_SHEET = {
	resource: 'probationAssessment',
	operation: 'update',
	assessmentId: '={{ $json.assessment_id }}',
	assessmentStatus: '={{ $json.status }}',
	isFinalAssessment: '={{ $json.final }}',
	additionalFields: {
		assessmentResult: '={{ $json.result }}',
		assessmentScore: '={{ $json.score }}',
		assessmentGrade: '={{ $json.grade }}',
		assessmentComment: '={{ $json.comment }}',
		assessmentDetail: '={{ $json.detail_link }}',
	},
};

const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

async function main(): Promise<void> {
	const csvPath = join(__dirname, '..', 'examples', 'assessments.csv');
	const rows = parseCsv(readFileSync(csvPath, 'utf8'));
	const emulator = await startEmulator({ seed: CSV_SEED });
	try {
		const credentials = new MemoryCredentialsHelper();
		credentials.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, ...emulator.defaultApp });
		console.log(`Feishu emulator on ${emulator.url}; ${rows.length} rows from examples/assessments.csv\n`);

		const started = Date.now();
		const result = await runFeishu(credentials, rows, UPDATE_FROM_SHEET, { continueOnFail: true });
		if (result.error) throw result.error;

		const patches = emulator.requests.filter((r) => r.method === 'PATCH');
		console.log(`${'Row'.padEnd(4)}${'Employee'.padEnd(20)}${'Assessment ID'.padEnd(21)}Result`);
		console.log('-'.repeat(110));
		let updated = 0;
		let refused = 0;
		let rejected = 0;
		for (const item of result.items) {
			const index = typeof item.pairedItem === 'object' && !Array.isArray(item.pairedItem) ? item.pairedItem.item : 0;
			const row = rows[index];
			const json = item.json;
			let outcome: string;
			if (json.updated) {
				updated++;
				const stored = emulator.assessments.get(String(json.assessmentId));
				outcome = `updated: ${stored?.assessment_status}${stored?.assessment_result ? `, ${stored.assessment_result}` : ''}${stored?.assessment_score !== undefined ? `, ${stored.assessment_score}` : ''}${stored?.assessment_grade ? `, ${stored.assessment_grade}` : ''}${stored?.is_final_asssessment ? ', final' : ''}`;
			} else {
				// Feishu's own refusals carry its code; refusals before sending do not.
				const sent = /\(code \d+/.test(String(json.error));
				if (sent) rejected++;
				else refused++;
				const message = String(json.error).replace(/^Item \d+ \(index \d+\): /, '');
				outcome = sent ? message : `not sent: ${message}`;
			}
			console.log(`${String(index + 2).padEnd(4)}${clip(row.employee ?? '', 18)}  ${clip(row.assessment_id || '(empty)', 19)}  ${clip(outcome, 120)}`);
		}
		console.log('-'.repeat(110));
		console.log(
			`${rows.length} rows in ${Date.now() - started} ms: ${updated} updated, ${refused} refused before sending (bad values), ${rejected} refused by Feishu.`,
		);
		console.log(`${patches.length} PATCH requests sent, ${emulator.tokenExchanges} token exchange(s). Row numbers are spreadsheet lines (header = line 1).`);
	} finally {
		await emulator.close();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
