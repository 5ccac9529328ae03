/**
 * The main job, end to end on this machine: the bundled Feishu emulator (seed 20, its people), the
 * HR sheet examples/probation-reviews.csv (工号, 姓名, 结果, 分数, 等级, 评语), and the node running
 * inside n8n-core's real workflow execution: Update, Find Assessment By Employee (employee number),
 * Which Assessment: Final, status Completed, the final flag kept. It prints who was written and
 * why the others were refused, then how many lookups and writes that took.
 *
 *   npm run demo                  the sheet as n8n gets it from an .xlsx or a Google Sheet whose
 *                                 工号 column is not formatted as text: numbers, zeros dropped
 *   npm run demo -- --as-text     the sheet as n8n's Extract From File reads the CSV: all text
 */
// First: n8n-core keeps its settings in a throwaway folder, not ~/.n8n.
import './demo-env';

import { readFileSync } from 'fs';
import { join } from 'path';

import type { IDataObject } from 'n8n-workflow';

import { PEOPLE_SEED, startEmulator } from '../dev/emulator';
import { CREDENTIAL_ID, MemoryCredentialsHelper, runFeishu } from '../dev/harness/n8nCore';
import { parseCsv } from './csv';

const SHEET = 'examples/probation-reviews.csv';

/** The node as examples/spreadsheet-to-assessments.json sets it up. */
const UPDATE_BY_EMPLOYEE_NUMBER = {
	resource: 'probationAssessment',
	operation: 'update',
	assessmentBy: 'employee',
	employee: { __rl: true, mode: 'employeeNumber', value: '={{ $json.工号 }}' },
	whichAssessment: 'final',
	assessmentStatus: 'completed',
	isFinalAssessment: 'keep',
	additionalFields: {
		assessmentResult: '={{ $json.结果 }}',
		assessmentScore: '={{ $json.分数 }}',
		assessmentGrade: '={{ $json.等级 }}',
		assessmentComment: '={{ $json.评语 }}',
	},
};

/**
 * What a spreadsheet program makes of a CSV cell: Excel, Google Sheets and SheetJS (which n8n uses
 * for .xlsx) turn text that looks like a number into that number, so 030123 becomes 30123. A CSV
 * cannot say which cells a sheet held as numbers; reading all of them so is what happens when the
 * column was never formatted as text.
 */
function asSpreadsheetCell(cell: string): string | number {
	return /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
}

/** Columns in a terminal: CJK and full-width characters take two. */
function width(text: string): number {
	let w = 0;
	for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
	return w;
}
const pad = (text: string, columns: number) => text + ' '.repeat(Math.max(0, columns - width(text)));

/** The refusal in a few words, for the table; the node's whole message is printed below it. */
function shortReason(message: string): string {
	if (/matches no employee/.test(message)) return 'no such employee';
	const many = /matches (\d+) employments/.exec(message);
	if (many) return `${many[1]} people match`;
	if (/matches different employees depending on how it is spelled/.test(message)) return 'several people match';
	if (/matches only a terminated employment/.test(message)) return 'has left';
	if (/has no probation/.test(message)) return 'no probation';
	if (/has no final assessment/.test(message)) return 'no final assessment';
	if (/has \d+ assessments/.test(message)) return 'several assessments';
	if (/has no assessment yet/.test(message)) return 'no assessment yet';
	if (/\(code \d+/.test(message)) return 'refused by Feishu';
	if (/ is not valid| is required/.test(message)) return 'bad value';
	return 'see below';
}

async function main(): Promise<void> {
	const asText = process.argv.includes('--as-text');
	const sheet = parseCsv(readFileSync(join(__dirname, '..', SHEET), 'utf8'));
	const rows: IDataObject[] = asText
		? sheet
		: sheet.map((row) => Object.fromEntries(Object.entries(row).map(([column, cell]) => [column, asSpreadsheetCell(cell)])));

	const emulator = await startEmulator({ seed: PEOPLE_SEED });
	try {
		const credentials = new MemoryCredentialsHelper();
		credentials.set(CREDENTIAL_ID, { domain: 'custom', baseUrl: emulator.url, ...emulator.defaultApp });
		console.log(`Feishu emulator on ${emulator.url} (seed ${PEOPLE_SEED}: ${emulator.employments.size} employments, ${emulator.assessments.size} assessments)`);
		console.log(`${sheet.length} rows from ${SHEET} → Feishu CoreHR, Update by employee number, Which Assessment: Final, status Completed, final flag kept`);
		console.log(
			asText
				? 'Cells read as text, as n8n\'s Extract From File reads a CSV: 工号 keeps its leading zeros.'
				: '工号 read as numbers, as n8n gets them from an .xlsx or Google Sheet whose 工号 column is not formatted\n' +
						'as text: 000123 arrives as 123, 030123 as 30123. (npm run demo -- --as-text: the CSV\'s text, as n8n reads it.)',
		);
		console.log('');

		const before = new Map([...emulator.assessments].map(([id, a]) => [id, { ...a }]));
		const started = Date.now();
		const result = await runFeishu(credentials, rows, UPDATE_BY_EMPLOYEE_NUMBER, { continueOnFail: true });
		if (result.error) throw result.error;
		const elapsed = Date.now() - started;

		const header = `${pad('Row', 4)}${pad('工号', 8)}${asText ? '' : pad('arrived', 9)}${pad('姓名', 7)}${pad('Employment ID', 21)}${pad('Assessment ID', 21)}Result`;
		console.log(header);
		console.log('-'.repeat(width(header) + 14));
		const refusals: string[] = [];
		let updated = 0;
		for (const item of result.items) {
			const index = typeof item.pairedItem === 'object' && !Array.isArray(item.pairedItem) ? item.pairedItem.item : -1;
			const row = sheet[index] ?? {};
			const json = item.json;
			const line = String(index + 1);
			const arrived = asText ? '' : pad(String(rows[index]?.工号 ?? ''), 9);
			let employment = '';
			let assessment = '';
			let outcome: string;
			if (json.updated === true) {
				updated++;
				employment = String(json.employmentId);
				assessment = String(json.assessmentId);
				const stored = emulator.assessments.get(assessment);
				const written = [stored?.assessment_result, stored?.assessment_score, stored?.assessment_grade].filter((v) => v !== undefined).join(', ');
				outcome = `updated: ${written}${stored?.is_final_asssessment ? ', still final' : ''}`;
			} else {
				const message = String(json.error ?? '').replace(/^Item \d+ \(index \d+\): /, '');
				outcome = `refused: ${shortReason(message)}`;
				refusals.push(`  row ${line} (${row.工号} ${row.姓名}): ${message}`);
			}
			console.log(`${pad(line, 4)}${pad(row.工号 ?? '', 8)}${arrived}${pad(row.姓名 ?? '', 7)}${pad(employment || '—', 21)}${pad(assessment || '—', 21)}${outcome}`);
		}
		console.log('-'.repeat(width(header) + 14));
		if (refusals.length > 0) console.log(`Why (the node's own messages; nothing was written for these rows):\n${refusals.join('\n')}\n`);

		console.log(`${sheet.length} rows in ${elapsed} ms: ${updated} updated, ${result.items.length - updated} refused.`);
		const changed = [...emulator.assessments.values()].filter((a) => JSON.stringify(a) !== JSON.stringify(before.get(a.assessment_id)));
		const flagsKept = [...emulator.assessments.values()].every((a) => a.is_final_asssessment === before.get(a.assessment_id)?.is_final_asssessment);
		const once = changed.every((a) => emulator.applyCount(a.assessment_id) === 1);
		console.log(
			`In Feishu: ${changed.length} of ${emulator.assessments.size} assessments changed${once ? ', each written once' : ' (some more than once!)'}; ` +
				`final flags ${flagsKept ? 'unchanged on all of them' : 'CHANGED'}.`,
		);
		const calls = emulator.counters().calls;
		const writes = calls.patch + calls.create;
		console.log(
			`Read calls: ${calls.employeeSearch} employees/search + ${calls.probationSearch} probation/search (batched for the whole sheet) + ${calls.grades} grade list; ` +
				`writes: ${writes} (${calls.patch} PATCH, ${calls.create} create); ${emulator.tokenExchanges} token exchange(s).`,
		);
		console.log('Row numbers count data rows (n8n\'s item numbers); the file line is one more.');
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
