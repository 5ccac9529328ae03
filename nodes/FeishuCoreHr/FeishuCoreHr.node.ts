import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { FEISHU_CREDENTIAL_NAME } from '../../credentials/FeishuCoreHrApi.credentials';
import { operations } from './actions/operations';
import { router } from './actions/router';
import { searchAssessments, searchEmployees } from './methods/listSearch';
import { getAssessmentGrades } from './methods/loadOptions';

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
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Employee',
						value: 'employee',
						description: 'People in CoreHR: find them by employee number, work email, employment ID or name',
					},
					{
						name: 'Probation',
						value: 'probation',
						description: "Employees' probation records, with their assessments and assessment IDs",
					},
					{
						name: 'Probation Assessment',
						value: 'probationAssessment',
						description: 'One assessment of a probation: its status, result, score, grade and comment',
					},
				],
				default: 'probationAssessment',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['employee'] } },
				options: [
					{
						name: 'Search',
						value: 'search',
						action: 'Search employees',
						description:
							'Find employees by employee number, work email, employment ID or name; returns their employment ID and, with Include Probation, their probation with its assessments. Use it first when asked about a person by name, then write by employee number or employment ID.',
					},
				],
				default: 'search',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['probation'] } },
				options: [
					{
						name: 'Edit',
						value: 'edit',
						action: 'Edit a probation',
						description:
							"Change an employee's probation: outcome (passed, failed or extended), extension length and unit, dates, notes or self-review. Overwrites the fields given; the others stay.",
					},
					{
						name: 'Enable/Disable Assessment',
						value: 'enableDisableAssessment',
						action: 'Enable or disable probation assessment',
						description:
							"Switch the probation assessment feature on (with the assessment system's link) or off for the whole tenant: it changes what every employee's probation shows, not one record",
					},
					{
						name: 'Search',
						value: 'search',
						action: 'Search probations',
						description:
							'Find probations by employee, department, dates or status; returns each probation with its assessments and their assessment IDs',
					},
					{
						name: 'Submit Conversion',
						value: 'submitConversion',
						action: 'Submit a probation conversion',
						description:
							"Convert an employee on probation to a regular employee. Convert Directly converts them at once and cannot be undone from here; Start Conversion Process starts Feishu's approval, which Withdraw Conversion can take back while it is pending.",
					},
					{
						name: 'Withdraw Conversion',
						value: 'withdrawConversion',
						action: 'Withdraw a probation conversion',
						description:
							"Take back an employee's submitted conversion (e.g. one still in approval), so the probation waits for conversion again. Feishu refuses it when there is no conversion it can withdraw.",
					},
				],
				default: 'search',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['probationAssessment'] } },
				options: [
					{
						name: 'Create',
						value: 'create',
						action: 'Create probation assessments',
						description: 'Add one or more assessments to an employee\'s probation; returns the new assessment IDs',
					},
					{
						name: 'Delete',
						value: 'delete',
						action: 'Delete a probation assessment',
						description: 'Remove one assessment by its assessment ID',
					},
					{
						name: 'Update',
						value: 'update',
						action: 'Update a probation assessment',
						description:
							'Write the status, result (approved/rejected), score, grade and comment of one assessment, found by employee (number, email or employment ID) or by its assessment ID',
					},
				],
				default: 'update',
			},
			...Object.values(operations).flatMap((byName) => Object.values(byName).flatMap((op) => op.description)),
		],
	};

	methods = { loadOptions: { getAssessmentGrades }, listSearch: { searchAssessments, searchEmployees } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
