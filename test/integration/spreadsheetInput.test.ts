/**
 * Values as spreadsheets and Chinese input methods deliver them, through n8n-core's execution
 * against the emulator: what is unambiguous is normalised, the rest refused before sending.
 */
import type { Emulator } from '../../dev/emulator';
import type { MemoryCredentialsHelper } from '../../dev/harness/n8nCore';
import { allPatches, updateParameters } from '../helpers/updateRun';
import { withEmulator } from '../helpers/emulatorFixture';
import { runFeishu } from '../../dev/harness/n8nCore';

let emulator: Emulator;
let credentials: MemoryCredentialsHelper;
withEmulator((e, c) => {
	emulator = e;
	credentials = c;
}, 3);

const fullWidth = (digits: string): string => digits.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

describe('IDs and numbers from spreadsheets and input methods', () => {
	it('updates the assessment whose ID was typed in full-width digits, with a full-width score', async () => {
		const id = [...emulator.assessments.keys()][0];
		const result = await runFeishu(credentials, [{ id: fullWidth(id), status: 'completed', final: false, score: '８８．５' }], updateParameters());
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ assessmentId: id, updated: true, assessmentScore: 88.5 });
		expect(allPatches(emulator).map((r) => r.path)).toEqual([`/open-apis/corehr/v2/probation/assessments/${id}`]);
		expect(emulator.assessments.get(id)).toMatchObject({ assessment_score: 88.5 });
	});

	it('sends nothing for a score of "0x10" or an ID of "000", and says why for each row', async () => {
		const id = [...emulator.assessments.keys()][0];
		const result = await runFeishu(
			credentials,
			[
				{ id, status: 'completed', final: false, score: '0x10' },
				{ id: '000', status: 'completed', final: false },
				{ id, status: 'completed', final: false, score: '1e2' },
			],
			updateParameters(),
			{ continueOnFail: true },
		);
		expect(result.items.map((i) => i.json.error)).toEqual([
			expect.stringMatching(/^Item 1 \(index 0\): Assessment Score "0x10" is written in hexadecimal notation \(it would be read as 16\), so it was not used\. .*Nothing was sent/),
			expect.stringMatching(/^Item 2 \(index 1\): Assessment ID "000" is zero, which is no record's ID\. .*Nothing was sent/),
			expect.stringMatching(/^Item 3 \(index 2\): Assessment Score "1e2" is written in scientific notation \(it would be read as 100\).*Nothing was sent/),
		]);
		expect(allPatches(emulator)).toHaveLength(0);
	});
});
