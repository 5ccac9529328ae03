import type { INodePropertyOptions } from 'n8n-workflow';

import { FeishuCoreHr } from '../../nodes/FeishuCoreHr/FeishuCoreHr.node';
import { editBody, parseChanges } from '../../nodes/FeishuCoreHr/actions/probation/edit.operation';
import { ASSESSMENT_FEATURE_STATES, CONVERSION_MODES, parseLooseChoice } from '../../nodes/FeishuCoreHr/actions/probation/lifecycle';
import { submitBody } from '../../nodes/FeishuCoreHr/actions/probation/submitConversion.operation';
import { InvalidInputError } from '../../nodes/FeishuCoreHr/helpers/parse';

describe('Edit: what a row asks to change', () => {
	it('reads labels, Chinese words and numbers as text, and maps them to Feishu\'s names', () => {
		const changes = parseChanges({ probationOutcome: '延期', extendedProbationPeriodDuration: '３', extendedProbationPeriodUnit: '周', probationExtendExpectedEndDate: '2026-03-01T00:00:00', notes: '' });
		expect(changes).toEqual({ probationOutcome: 'delayed', extendedProbationPeriodDuration: 3, extendedProbationPeriodUnit: 'week', probationExtendExpectedEndDate: '2026-03-01' });
		expect(editBody('7140964208476371111', changes)).toEqual({
			employment_id: '7140964208476371111',
			probation_outcome: 'delayed',
			extended_probation_period_duration: 3,
			extended_probation_period_unit: 'week',
			probation_extend_expected_end_date: '2026-03-01',
		});
	});

	it('refuses an extension length without its unit, and a length outside 1–500 or with decimals', () => {
		expect(() => parseChanges({ extendedProbationPeriodDuration: 2 })).toThrow('Extension Unit (empty) is required when Extension Length is set');
		for (const length of [0, 501, 2.5, '1e2']) {
			expect(() => parseChanges({ extendedProbationPeriodDuration: length, extendedProbationPeriodUnit: 'day' })).toThrow(InvalidInputError);
		}
		expect(parseChanges({ extendedProbationPeriodDuration: 500, extendedProbationPeriodUnit: 'Days' }).extendedProbationPeriodDuration).toBe(500);
	});

	it('refuses a row with nothing to send rather than sending an empty edit', () => {
		expect(() => parseChanges({ notes: ' ', probationOutcome: '' })).toThrow('Fields to Change (empty) has nothing to send');
	});
});

describe('Submit Conversion: the wire body', () => {
	it('sends conversion_mode as Feishu\'s integer and leaves out what the row did not give', () => {
		expect(submitBody('ou_1', { conversionMode: 'direct', submissionType: 'system', notes: 'ok' })).toEqual({ employment_id: 'ou_1', conversion_mode: 1, submission_type: 'system', notes: 'ok' });
		expect(submitBody('ou_1', { conversionMode: 'process', submissionType: 'hr_submission' })).toEqual({ employment_id: 'ou_1', conversion_mode: 2, submission_type: 'hr_submission' });
	});

	it('reads a mode or a switch given as a number or a boolean by an expression', () => {
		expect(parseLooseChoice('Conversion Mode', 2, CONVERSION_MODES)).toBe('process');
		expect(parseLooseChoice('Conversion Mode', ' convert directly ', CONVERSION_MODES)).toBe('direct');
		expect(parseLooseChoice('Assessment Feature', true, ASSESSMENT_FEATURE_STATES)).toBe('enable');
		expect(parseLooseChoice('Assessment Feature', '关闭', ASSESSMENT_FEATURE_STATES)).toBe('disable');
	});
});

describe('the Probation operations as an AI tool sees them', () => {
	const probationOps = new FeishuCoreHr().description.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('probation'))!
		.options as INodePropertyOptions[];
	const op = (value: string) => probationOps.find((o) => o.value === value)!;

	it('says which ones cannot be taken back, and which one touches the whole tenant', () => {
		expect(probationOps.map((o) => o.value)).toEqual(['edit', 'enableDisableAssessment', 'search', 'submitConversion', 'withdrawConversion']);
		expect(op('submitConversion').description).toContain('cannot be undone from here');
		expect(op('submitConversion').description).toContain('Withdraw Conversion can take back');
		expect(op('enableDisableAssessment').description).toContain('whole tenant');
		expect(op('edit').description).toContain('Overwrites the fields given');
		for (const o of probationOps) expect(o.action).toBeTruthy();
	});
});
