import type { AssessmentFound, EmployeeFound } from '../../nodes/shared/people/found';
import { findAssessment, pickAssessment, pickEmployment, pickProbation } from '../../nodes/FeishuCoreHr/actions/probationAssessment/target';
import { parseEmployeeNumber, parseEmployeeRef, parseEmploymentId } from '../../nodes/FeishuCoreHr/helpers/employee';
import { InvalidInputError } from '../../nodes/FeishuCoreHr/helpers/parse';
import { refusal } from '../helpers/refusal';

const zhang: EmployeeFound = { employmentId: '7140964208476371111', employeeNumber: '030123', name: '张三', employmentStatus: 'hired' };
const zhangBefore: EmployeeFound = { ...zhang, employmentId: '7140964208476379030', employmentStatus: 'terminated' };
const otherZhang: EmployeeFound = { employmentId: '7140964208476386949', employeeNumber: '030123', name: '张三', employmentStatus: 'hired' };
const final: AssessmentFound = { assessmentId: '7140964208476371331', isFinalAssessment: true, assessmentStatus: 'completed' };
const first: AssessmentFound = { assessmentId: '7140964208476379250', isFinalAssessment: false, assessmentStatus: 'completed' };
const second: AssessmentFound = { assessmentId: '7140964208476387169', isFinalAssessment: false, assessmentStatus: 'in_process' };

describe('choosing the employment a row means', () => {
	it('takes the one match', () => {
		expect(pickEmployment('Employee number 030123', [zhang])).toBe(zhang);
	});

	it('passes over a rehired person\'s terminated employment when one current employment remains', () => {
		expect(pickEmployment('Employee number 030123', [zhangBefore, zhang])).toBe(zhang);
	});

	it('refuses when only a terminated employment matches, and says so', () => {
		const message = refusal(() => pickEmployment('Employee number 030123', [zhangBefore]));
		expect(message).toContain('only a terminated employment');
		expect(message).toContain(zhangBefore.employmentId);
	});

	it('refuses two matching people, naming both', () => {
		const message = refusal(() => pickEmployment('Employee number 030123', [zhang, otherZhang]));
		expect(message).toContain('Employee number 030123 matches 2 employments');
		expect(message).toContain(zhang.employmentId);
		expect(message).toContain(otherZhang.employmentId);
	});

	it('refuses when nobody matches', () => {
		expect(refusal(() => pickEmployment('Work email a@example.com', []))).toBe('Work email a@example.com matches no employee in CoreHR.');
	});

	it('counts an employment found under several spellings once', () => {
		expect(pickEmployment('Employee number 30123', [zhang, { ...zhang }])).toEqual(zhang);
	});
});

describe('choosing the assessment', () => {
	it('finds the final one among several', () => {
		expect(pickAssessment('final', '张三', [first, final, second])).toEqual({ existing: final });
	});

	it('refuses "final" when there is none, listing what there is', () => {
		const message = refusal(() => pickAssessment('final', '张三', [first, second]));
		expect(message).toContain('has no final assessment (it has 2');
		expect(message).toContain(`${first.assessmentId} (not final, completed)`);
	});

	it('refuses "only" with several non-final assessments and no rule to choose', () => {
		expect(refusal(() => pickAssessment('only', '张三', [first, second]))).toContain('has 2 assessments');
		expect(refusal(() => pickAssessment('onlyOrCreate', '张三', [first, second]))).toContain('has 2 assessments');
	});

	it('creates only when asked to and the probation has none', () => {
		expect(pickAssessment('onlyOrCreate', '张三', [])).toEqual({});
		expect(refusal(() => pickAssessment('only', '张三', []))).toContain('has no assessment yet');
		expect(pickAssessment('onlyOrCreate', '张三', [first])).toEqual({ existing: first });
	});

	it('refuses a person without probation, and a probation Feishu listed without its assessments (missing scope)', () => {
		expect(refusal(() => pickProbation('张三', []))).toBe('张三 has no probation in CoreHR.');
		expect(refusal(() => pickProbation('张三', [{ employmentId: zhang.employmentId, raw: {} }]))).toContain('corehr:probation.assessment:read');
	});

	it('checks that an assessment named by ID belongs to the employee', () => {
		const probations = [{ employmentId: zhang.employmentId, assessments: [final, first], raw: {} }];
		expect(findAssessment(first.assessmentId, 'employment X', probations)).toBe(first);
		expect(refusal(() => findAssessment(second.assessmentId, 'employment X', probations))).toContain(`Assessment ${second.assessmentId} is not an assessment of employment X`);
	});
});

describe('reading how a row names an employee', () => {
	it('keeps employee numbers as text, leading zeros included', () => {
		expect(parseEmployeeNumber('Employee', ' 030123 ').values).toEqual(['030123']);
	});

	it('looks for the spellings a number had before a spreadsheet dropped its zeros', () => {
		const ref = parseEmployeeNumber('Employee', 30123);
		expect(ref.values).toEqual(['30123', '030123', '0030123', '00030123', '000030123', '0000030123']);
		expect(ref.asked).toContain('arrived as a number');
	});

	it('tells the ID types apart by their shape', () => {
		expect(parseEmploymentId('Employee', '7140964208476371111')).toEqual({ id: '7140964208476371111', idType: 'people_corehr_id' });
		expect(parseEmploymentId('Employee', 'ou_7dab8a3d3cdcc9da365777c7ad535d62').idType).toBe('open_id');
		expect(() => parseEmploymentId('Employee', 'zhangsan')).toThrow(InvalidInputError);
	});

	it('refuses an employment ID that lost its last digits as a number', () => {
		expect(() => parseEmployeeRef('Employee', 'id', 7140964208476371111)).toThrow(/came in as a number and lost its last digits/);
	});

	it('refuses what is not an email in email mode, naming the field and value', () => {
		expect(() => parseEmployeeRef('Employee', 'email', 'zhang san')).toThrow('Employee "zhang san" is not valid. Use a work email address');
	});
});
