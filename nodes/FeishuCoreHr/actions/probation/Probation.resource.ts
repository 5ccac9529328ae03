import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Operation } from '../types';
import { edit } from './edit.operation';
import { enableDisableAssessment } from './enableDisableAssessment.operation';
import { search } from './search.operation';
import { submitConversion } from './submitConversion.operation';
import { withdrawConversion } from './withdrawConversion.operation';

/** The Resource dropdown's entry for probations. */
export const resource: INodePropertyOptions = {
	name: 'Probation',
	value: 'probation',
	description: "Employees' probation records, with their assessments and assessment IDs",
};

/** Probation's operations, by the Operation parameter's value. */
export const operations: Record<string, Operation> = { edit, enableDisableAssessment, search, submitConversion, withdrawConversion };

/** The Operation dropdown, shown for this resource. */
export const operationProperty: INodeProperties = {
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
};

/** The parameters of this resource's operations, each limited to its operation by displayOptions. */
export const description: INodeProperties[] = Object.values(operations).flatMap((op) => op.description);
