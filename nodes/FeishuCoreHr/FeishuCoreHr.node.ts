import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { FEISHU_CREDENTIAL_NAME } from '../../credentials/FeishuCoreHrApi.credentials';
import { properties } from './actions/resources';
import { router } from './actions/router';
import { searchAssessments, searchEmployees } from './methods/listSearch';
import { getAssessmentGrades } from './actions/grades';

/** Words for the canvas subtitle, e.g. "update: assessment", "submit conversion: probation". */
const OPERATION_WORDS: Record<string, string> = {
	create: 'create',
	delete: 'delete',
	edit: 'edit',
	enableDisableAssessment: 'enable/disable assessment',
	search: 'search',
	submitConversion: 'submit conversion',
	update: 'update',
	withdrawConversion: 'withdraw conversion',
};
const RESOURCE_WORDS: Record<string, string> = { employee: 'employee', probation: 'probation', probationAssessment: 'assessment' };
const SUBTITLE = `={{ (${JSON.stringify(OPERATION_WORDS)})[$parameter["operation"]] + ": " + (${JSON.stringify(RESOURCE_WORDS)})[$parameter["resource"]] }}`;

export class FeishuCoreHr implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Feishu CoreHR',
		name: 'feishuCoreHr',
		icon: { light: 'file:feishu.svg', dark: 'file:feishu.dark.svg' },
		group: ['transform'],
		// 2: Update keeps the final flag unless told otherwise, and finds assessments by employee.
		// 3: a value is written only when chosen (no preset Status, Result or Score); Search shows
		//    Split Out on its own and each ID type next to its IDs.
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle: SUBTITLE,
		description: 'Write probation assessment results into Feishu / Lark CoreHR',
		defaults: { name: 'Feishu CoreHR' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: FEISHU_CREDENTIAL_NAME, required: true }],
		properties,
	};

	methods = { loadOptions: { getAssessmentGrades }, listSearch: { searchAssessments, searchEmployees } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
