import type { IDataObject } from 'n8n-workflow';

/** The field scope behind a probation's `assessments` and `final_assessment_*` in search answers. */
export const ASSESSMENT_READ_SCOPE = 'corehr:probation.assessment:read';

/**
 * Without that field scope Feishu does not refuse the search: it leaves the assessment fields
 * out of every probation. With it, a probation without assessments comes with an empty list. So
 * probations of which none carries the key say the scope is missing, not that none has any.
 */
export function assessmentsWithheld(probations: readonly IDataObject[]): boolean {
	return probations.length > 0 && probations.every((p) => !Array.isArray(p.assessments));
}

export function assessmentsWithheldMessage(count: number): string {
	return (
		`Feishu returned ${count} probation(s) without their assessments: the app lacks the field scope ${ASSESSMENT_READ_SCOPE} ` +
		'(or corehr:probation.assessment:write), and Feishu then leaves the assessments out instead of refusing the search. ' +
		'Add the scope under "Permissions & Scopes" in the developer console and publish a new app version.'
	);
}
