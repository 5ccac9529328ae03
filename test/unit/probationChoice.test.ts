/**
 * The one rule by which both nodes choose "the" probation of an employment (the action node to
 * write to, the trigger to describe an event), and the one way both show the employee.
 */
import type { IDataObject } from 'n8n-workflow';

import { checkOneProbationToCreateIn, findAssessment, pickProbation } from '../../nodes/FeishuCoreHr/actions/probationAssessment/target';
import { Directory } from '../../nodes/shared/people/directory';
import { employeeOutput } from '../../nodes/shared/people/employeeOutput';
import type { AssessmentFound, EmployeeFound, ProbationFound } from '../../nodes/shared/people/found';
import { chooseProbation } from '../../nodes/shared/people/probationChoice';
import type { FeishuRequest, FeishuRequester, FeishuResponse } from '../../nodes/shared/transport';
import { refusal } from '../helpers/refusal';

const EMPLOYMENT = '7140964208476371111';
const who = `employment ${EMPLOYMENT}`;
const draft: AssessmentFound = { assessmentId: '7140964208476379250', isFinalAssessment: false, assessmentStatus: 'in_process' };

function probation(probationId: string, probationStatus: string | undefined, assessments: AssessmentFound[] = []): ProbationFound {
	return { employmentId: EMPLOYMENT, probationId, probationStatus, assessments, raw: {} };
}

const earlier = probation('7140964208476300001', 'converted');
const running = probation('7140964208476300002', 'waiting', [draft]);
const alsoRunning = probation('7140964208476300003', 'pending');
const left = probation('7140964208476300004', 'offboarded');

describe('choosing the probation of an employment', () => {
	it('takes the only one, whatever its status', () => {
		expect(chooseProbation(who, [earlier])).toBe(earlier);
		expect(chooseProbation(who, [probation('1', undefined)]).probationId).toBe('1');
	});

	it('refuses an employment without probation', () => {
		expect(refusal(() => chooseProbation(who, []))).toBe(`${who} has no probation in CoreHR.`);
	});

	it('of several, takes the only one still running: a converted or offboarded probation is over', () => {
		expect(chooseProbation(who, [earlier, running])).toBe(running);
		expect(chooseProbation(who, [running, left, earlier])).toBe(running);
	});

	it('refuses several running probations, listing each with its status', () => {
		const message = refusal(() => chooseProbation(who, [running, alsoRunning, earlier]));
		expect(message).toBe(
			`${who} has 3 probations (7140964208476300002: waiting; 7140964208476300003: pending; 7140964208476300001: converted); 2 are still running (neither converted nor offboarded), so the node cannot tell which one is meant.`,
		);
	});

	it('refuses several probations that are all over', () => {
		expect(refusal(() => chooseProbation(who, [earlier, left]))).toContain('none is still running');
	});

	it('refuses several probations when one has no stated status: it can be ruled neither in nor out', () => {
		const message = refusal(() => chooseProbation(who, [earlier, probation('7140964208476300005', undefined)]));
		expect(message).toContain('7140964208476300005: status not stated');
		expect(message).toContain('Feishu did not state the status of each');
	});

	it('takes the probation the caller names by its status (an event), even one that is over', () => {
		expect(chooseProbation(who, [earlier, running], { probationStatus: 'converted' })).toBe(earlier);
		expect(chooseProbation(who, [running, alsoRunning], { probationStatus: 'pending' })).toBe(alsoRunning);
		// A status no probation has any more (it moved on since the event): another probation must
		// not stand in for the one the event was about.
		expect(refusal(() => chooseProbation(who, [earlier, running], { probationStatus: 'approved' }))).toContain('none is in status approved');
		// With one probation, the event is about it, whatever its status now.
		expect(chooseProbation(who, [running], { probationStatus: 'approved' })).toBe(running);
		// Two in the named status: among them, the running one, else a refusal.
		const twice = probation('7140964208476300006', 'converted');
		expect(refusal(() => chooseProbation(who, [earlier, twice, running], { probationStatus: 'converted' }))).toContain('none in status converted is still running');
	});
});

describe('the action node writes by the same rule', () => {
	it('writes to the running probation of an employment that also has a converted one', () => {
		expect(pickProbation(who, [earlier, running])).toEqual(running);
		expect(findAssessment(draft.assessmentId, who, [earlier, running])).toBe(draft);
	});

	it('refuses what the rule refuses, before any assessment is chosen', () => {
		expect(refusal(() => pickProbation(who, [running, alsoRunning]))).toContain('cannot tell which one is meant');
	});

	it('creates only in an employment with one probation: Feishu creates by employment, not by probation', () => {
		expect(() => checkOneProbationToCreateIn(who, [running])).not.toThrow();
		expect(refusal(() => checkOneProbationToCreateIn(who, [earlier, { ...running, assessments: [] }]))).toContain('cannot be sure which one would get it');
	});

	it('finds an assessment named by ID in whichever probation of the employment holds it: the ID names the probation', () => {
		const other = { ...alsoRunning, assessments: [draft] };
		expect(findAssessment(draft.assessmentId, who, [{ ...running, assessments: [] }, other])).toBe(draft);
		expect(findAssessment(draft.assessmentId, who, [{ ...earlier, assessments: [draft] }, { ...running, assessments: [] }])).toBe(draft);
		expect(refusal(() => findAssessment('7140964208476399999', who, [running, alsoRunning]))).toContain('is not an assessment of');
	});

	it("records an assessment it created on the probation the rule chose, so the run's next row sees it", async () => {
		const items = [
			{ employment_id: EMPLOYMENT, probation_id: '7140964208476300001', probation_status: 'converted', assessments: [] },
			{ employment_id: EMPLOYMENT, probation_id: '7140964208476300002', probation_status: 'waiting', assessments: [] },
		];
		const feishu: FeishuRequester = {
			request: async <T>(request: FeishuRequest): Promise<FeishuResponse<T>> => {
				expect(request.path).toBe('/open-apis/corehr/v2/probation/search');
				return { code: 0, msg: 'success', data: { items, has_more: false } as IDataObject as T, attempts: [] };
			},
		};
		const directory = new Directory(feishu);
		expect(pickProbation(who, await directory.probations('people_corehr_id', EMPLOYMENT)).assessments).toEqual([]);
		await directory.recordCreated('people_corehr_id', EMPLOYMENT, [draft]);
		const again = await directory.probations('people_corehr_id', EMPLOYMENT);
		expect(pickProbation(who, again)).toMatchObject({ probationId: '7140964208476300002', assessments: [draft] });
		expect(again.find((p) => p.probationStatus === 'converted')?.assessments).toEqual([]);
	});
});

describe('the employee in output', () => {
	it('has the same keys in both nodes, null where Feishu did not say', () => {
		const found: EmployeeFound = { employmentId: EMPLOYMENT, employeeNumber: '030123', name: '张三', email: 'zhang.san@example.com', employmentStatus: 'hired' };
		expect(employeeOutput({ ...found, employmentStatusLabel: 'Employed' })).toEqual({
			employeeNumber: '030123',
			employeeName: '张三',
			employmentId: EMPLOYMENT,
			workEmail: 'zhang.san@example.com',
			employmentStatus: 'hired',
			employmentStatusLabel: 'Employed',
		});
		expect(employeeOutput({ employmentId: EMPLOYMENT })).toEqual({
			employeeNumber: null,
			employeeName: null,
			employmentId: EMPLOYMENT,
			workEmail: null,
			employmentStatus: null,
			employmentStatusLabel: null,
		});
	});
});
