/** The Update node's parameters as a user wires a spreadsheet: no imports beyond types, so end-to-end scripts can use them too. */
import type { INodeParameters } from 'n8n-workflow';

/** Update by assessment ID with Status and Is Final Assessment from the row (`id`, `status`, `final`), the options as given. */
export function updateByIdParameters(options: INodeParameters = {}): INodeParameters {
	return {
		resource: 'probationAssessment',
		operation: 'update',
		assessmentBy: 'assessmentId',
		assessmentId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		assessmentStatus: '={{ $json.status }}',
		isFinalAssessment: '={{ $json.final }}',
		options,
	};
}

/** The Update node reading every field from the row, as a user wires a spreadsheet. */
export function updateParameters(options: INodeParameters = {}, extra: INodeParameters = {}): INodeParameters {
	return {
		...updateByIdParameters(options),
		additionalFields: {
			assessmentResult: '={{ $json.result }}',
			assessmentScore: '={{ $json.score }}',
			assessmentComment: '={{ $json.comment }}',
		},
		...extra,
	};
}
