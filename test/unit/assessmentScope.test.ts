import type { IDataObject } from 'n8n-workflow';

import { assessmentsWithheld } from '../../nodes/shared/people/assessmentScope';

const probation = (assessments?: unknown): IDataObject => ({ employmentId: '7140964208476371111', ...(assessments === undefined ? {} : { assessments }) });

describe('telling a missing assessment scope from probations without assessments', () => {
	it('says withheld when no probation found carries the assessments key', () => {
		expect(assessmentsWithheld([probation(), probation()])).toBe(true);
	});

	it('says nothing is withheld for an empty list: that probation has no assessments', () => {
		expect(assessmentsWithheld([probation([])])).toBe(false);
	});

	it('takes one probation with the key as proof of the scope (Feishu withholds per app, not per record)', () => {
		expect(assessmentsWithheld([probation(), probation([{ assessmentId: '1' }])])).toBe(false);
	});

	it('says nothing when nothing was found', () => {
		expect(assessmentsWithheld([])).toBe(false);
	});
});
