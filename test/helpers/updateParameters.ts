/** The Update node's parameters as a user wires a spreadsheet: no imports beyond types, so end-to-end scripts can use them too. */
import type { INodeParameters } from 'n8n-workflow';

/** The Update node reading every field from the row, as a user wires a spreadsheet. */
export function updateParameters(options: INodeParameters = {}, extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'probationAssessment',
		operation: 'update',
		assessmentId: '={{ $json.id }}',
		assessmentStatus: '={{ $json.status }}',
		isFinalAssessment: '={{ $json.final }}',
		additionalFields: {
			assessmentResult: '={{ $json.result }}',
			assessmentScore: '={{ $json.score }}',
			assessmentComment: '={{ $json.comment }}',
		},
		options,
		...extra,
	};
}

/**
 * The same for a new node (version 3): the assessment named through its resource locator, by ID,
 * and the options given (none: every option as the editor starts it).
 */
export function newNodeUpdateParameters(options: INodeParameters = {}): INodeParameters {
	return updateParameters(options, { assessmentBy: 'assessmentId', assessmentId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } });
}
