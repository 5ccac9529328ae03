import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { FEISHU_CREDENTIAL_NAME } from '../../credentials/FeishuCoreHrApi.credentials';
import { properties } from './actions/resources';
import { router } from './actions/router';
import { searchAssessments, searchEmployees } from './methods/listSearch';
import { getAssessmentGrades } from './actions/grades';

export class FeishuCoreHr implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Feishu CoreHR',
		name: 'feishuCoreHr',
		icon: { light: 'file:feishu.svg', dark: 'file:feishu.dark.svg' },
		group: ['transform'],
		// 2: Update keeps the final flag unless told otherwise, and finds assessments by employee.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
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
