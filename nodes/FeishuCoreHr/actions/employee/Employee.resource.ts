import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Operation } from '../types';
import { search } from './search.operation';

/** The Resource dropdown's entry for employees. */
export const resource: INodePropertyOptions = {
	name: 'Employee',
	value: 'employee',
	description: 'People in CoreHR: find them by employee number, work email, employment ID or name',
};

/** Employee's operations, by the Operation parameter's value. */
export const operations: Record<string, Operation> = { search };

/** The Operation dropdown, shown for this resource. */
export const operationProperty: INodeProperties = {
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
};

/** The parameters of this resource's operations, each limited to its operation by displayOptions. */
export const description: INodeProperties[] = Object.values(operations).flatMap((op) => op.description);
