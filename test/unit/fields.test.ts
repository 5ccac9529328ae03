import {
	parseAssessment,
	toWireAssessment,
} from '../../nodes/FeishuCoreHr/actions/probationAssessment/fields';
import type { GradeOption } from '../../nodes/FeishuCoreHr/actions/grades';
import { gradeOptionsFromField, resolveGrade } from '../../nodes/FeishuCoreHr/actions/grades';
import { InvalidInputError } from '../../nodes/FeishuCoreHr/helpers/parse';

const GRADES: GradeOption[] = [
	{ value: 'grade_a', name: 'A', aliases: ['优秀'], description: '' },
	{ value: 'grade_b', name: 'B', aliases: ['良好'], description: '' },
	{ value: 'grade_c', name: 'C', aliases: ['合格'], description: '' },
];

describe('an assessment from spreadsheet text', () => {
	it('reads every field from text and labels', () => {
		const input = parseAssessment(
			{
				assessmentStatus: '已完成',
				isFinalAssessment: 'true',
				assessmentResult: '不通过',
				assessmentScore: '88.5',
				assessmentGrade: '良好',
				assessmentComment: 'Needs more ownership',
				assessmentDetail: 'https://hr.example.com/a/1',
			},
			GRADES,
		);
		expect(input).toEqual({
			assessmentStatus: 'completed',
			isFinalAssessment: true,
			assessmentResult: 'rejected',
			assessmentScore: 88.5,
			assessmentGrade: 'grade_b',
			assessmentComment: 'Needs more ownership',
			assessmentDetail: 'https://hr.example.com/a/1',
		});
	});

	it('leaves blank optional cells out instead of sending empty values', () => {
		const input = parseAssessment({
			assessmentStatus: 'in_process',
			isFinalAssessment: false,
			assessmentResult: '',
			assessmentScore: '  ',
			assessmentGrade: null,
			assessmentComment: undefined,
			assessmentDetail: '',
		});
		expect(input).toEqual({ assessmentStatus: 'in_process', isFinalAssessment: false });
	});

	it('requires the status and the final flag', () => {
		expect(() => parseAssessment({ assessmentStatus: '', isFinalAssessment: true })).toThrow(
			/^Assessment Status "" is required but empty\. Allowed: /,
		);
		expect(() => parseAssessment({ assessmentStatus: 'completed', isFinalAssessment: '' })).toThrow(
			/^Is Final Assessment "" is required but empty\./,
		);
	});

	it('names the field whose value is wrong', () => {
		expect(() => parseAssessment({ assessmentStatus: 'completed', isFinalAssessment: true, assessmentScore: 'A+' })).toThrow(
			/^Assessment Score "A\+" is not valid/,
		);
		expect(() => parseAssessment({ assessmentStatus: 'completed', isFinalAssessment: true, assessmentResult: 'pass?' })).toThrow(
			/^Assessment Result "pass\?" is not valid/,
		);
		expect(() =>
			parseAssessment({ assessmentStatus: 'completed', isFinalAssessment: true, assessmentDetail: 'ftp://x.example.com/1' }),
		).toThrow(/^Assessment Detail Link "ftp:\/\/x\.example\.com\/1" is not valid/);
	});
});

describe('the wire body', () => {
	it('spells the final flag with three s and never sends the two-s key', () => {
		const wire = toWireAssessment({ assessmentStatus: 'completed', isFinalAssessment: true });
		expect(wire).toEqual({ assessment_status: 'completed', is_final_asssessment: true });
		expect(Object.keys(wire)).not.toContain('is_final_assessment');
	});

	it('sends false as false, not as a missing key', () => {
		expect(toWireAssessment({ assessmentStatus: 'not_started', isFinalAssessment: false })).toHaveProperty('is_final_asssessment', false);
	});

	it('sends only the optional fields that were given, under their wire names', () => {
		expect(toWireAssessment({ assessmentStatus: 'completed', isFinalAssessment: false, assessmentScore: 0 })).toEqual({
			assessment_status: 'completed',
			is_final_asssessment: false,
			assessment_score: 0,
		});
		expect(
			toWireAssessment({
				assessmentStatus: 'completed',
				isFinalAssessment: true,
				assessmentResult: 'approved',
				assessmentScore: 91.5,
				assessmentGrade: 'grade_a',
				assessmentComment: 'Great',
				assessmentDetail: 'https://hr.example.com/a/9',
			}),
		).toEqual({
			assessment_status: 'completed',
			is_final_asssessment: true,
			assessment_result: 'approved',
			assessment_score: 91.5,
			assessment_grade: 'grade_a',
			assessment_comment: 'Great',
			assessment_detail: 'https://hr.example.com/a/9',
		});
	});
});

describe('grades', () => {
	it('resolves a grade by API name or by label, in either language, any case', () => {
		expect(resolveGrade('grade_a', GRADES)).toBe('grade_a');
		expect(resolveGrade('GRADE_A', GRADES)).toBe('grade_a');
		expect(resolveGrade('b', GRADES)).toBe('grade_b');
		expect(resolveGrade('合格', GRADES)).toBe('grade_c');
		expect(resolveGrade(' 良好 ', GRADES)).toBe('grade_b');
	});

	it('refuses a grade the tenant does not offer and lists the ones it does', () => {
		const error = (() => {
			try {
				resolveGrade('grade_z', GRADES);
			} catch (e) {
				return e as InvalidInputError;
			}
			throw new Error('expected a refusal');
		})();
		expect(error).toBeInstanceOf(InvalidInputError);
		expect(error.message).toMatch(/^Assessment Grade "grade_z" is not an open grade option in your tenant/);
		for (const shown of ['A (grade_a, 优秀)', 'B (grade_b, 良好)', 'C (grade_c, 合格)']) expect(error.message).toContain(shown);
	});

	it('sends an API-name-shaped grade as given when the list could not be read, and refuses a label then', () => {
		expect(resolveGrade('grade_b', undefined)).toBe('grade_b');
		expect(() => resolveGrade('良好', undefined)).toThrow(/Use the option's API name/);
	});

	it('reads open options from the custom-field answer and skips closed ones', () => {
		const options = gradeOptionsFromField({
			data: {
				common_schema_config: {
					enum_field_setting: {
						enum_field_option_list: [
							{ api_name: 'grade_a', name: { zh_cn: '优秀', en_us: 'A' }, description: { en_us: 'Top' }, is_open: true },
							{ api_name: 'grade_x', name: { zh_cn: '停用', en_us: 'X' }, is_open: false },
							{ api_name: 'grade_zh', name: { zh_cn: '仅中文' } },
							{ name: { en_us: 'no api name' } },
						],
					},
				},
			},
		});
		expect(options).toEqual([
			{ value: 'grade_a', name: 'A', aliases: ['优秀'], description: 'Top' },
			{ value: 'grade_zh', name: '仅中文', aliases: [], description: '' },
		]);
	});

	it('reads no options from an answer without the nested list', () => {
		expect(gradeOptionsFromField({})).toEqual([]);
		expect(gradeOptionsFromField(undefined)).toEqual([]);
	});
});
