import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { FeishuResponse } from '../../../shared/transport';
import type { AssessmentData } from '../../../shared/transport/endpoints';
import { probationAssessment, send } from '../../../shared/transport/endpoints';
import type { RunContext } from '../types';

export const ASSESSMENT_ID_LABEL = 'Assessment ID';

/** What the editor lets through as an ID: digits, full-width ones too (parseId reads them as the same digits). */
const ASSESSMENT_ID_PATTERN = '^\\s*[0-9\\uFF10-\\uFF19]{1,32}\\s*$';

/** The assessment picked from a list (by its person) or given by ID. */
export const assessmentLocatorProperty: INodeProperties = {
	displayName: ASSESSMENT_ID_LABEL,
	name: 'assessmentId',
	type: 'resourceLocator',
	default: { mode: 'id', value: '' },
	required: true,
	description: 'The assessment to write to',
	hint: 'Keep IDs as text: a spreadsheet that turns one into a number loses its last digits, and the node then refuses it',
	modes: [
		{
			displayName: 'From list',
			name: 'list',
			type: 'list',
			placeholder: 'Search by the employee\'s name, number or email…',
			typeOptions: { searchListMethod: 'searchAssessments', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 7140964208476371331',
			validation: [{ type: 'regex', properties: { regex: ASSESSMENT_ID_PATTERN, errorMessage: 'An assessment ID is digits only' } }],
		},
	],
};

/** A resource locator's mode and value; a plain value (set by an expression) has no mode. */
export function locatorValue(parameter: unknown): { mode?: string; value: unknown } {
	if (typeof parameter === 'object' && parameter !== null && '__rl' in parameter) {
		const { mode, value } = parameter as { mode?: unknown; value?: unknown };
		return { mode: typeof mode === 'string' ? mode : undefined, value };
	}
	return { value: parameter };
}

export const clientTokenOption: INodeProperties = {
	displayName: 'Client Token',
	name: 'clientToken',
	type: 'string',
	// Not a secret, but n8n's scanner requires every "token" field to be masked; expressions still work.
	typeOptions: { password: true },
	default: '',
	description: 'Idempotency key: Feishu treats requests with the same token as one',
	hint: 'Leave empty and the node makes one per item and execution, so a retry never applies twice; if you set it, give each item its own value',
};

/** Feishu's answer as every write operation shows it. */
export function writeResult(response: FeishuResponse): IDataObject {
	return { code: response.code, msg: response.msg, logId: response.logId ?? null };
}

/** Creates assessments for one employment; Feishu returns their IDs in the order given. */
export async function createAssessments(
	run: RunContext,
	itemIndex: number,
	employment: { id: string; idType: string },
	assessments: AssessmentData[],
): Promise<{ assessmentIds: string[]; clientToken: string; result: IDataObject }> {
	const data = { employment_id: employment.id, assessments };
	// Creating is not idempotent: the client token makes a retried request create nothing twice.
	const clientToken = run.clientToken(itemIndex, { ...probationAssessment.create.request({ data }), creates: true });
	const params = { client_token: clientToken, user_id_type: employment.idType };
	const response = await send(run.client, probationAssessment.create.request({ params, data }, itemIndex));
	const assessmentIds = Array.isArray(response.data?.assessment_ids) ? response.data.assessment_ids.map(String) : [];
	return { assessmentIds, clientToken, result: writeResult(response) };
}
