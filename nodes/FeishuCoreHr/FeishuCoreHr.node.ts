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
		// The first published version. From here on, behaviour saved workflows rely on changes only
		// through a new version (n8n's node versioning).
		version: 1,
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
