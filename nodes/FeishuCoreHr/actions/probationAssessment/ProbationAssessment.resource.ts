import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Operation } from '../types';
import { create } from './create.operation';
import { deleteAssessment } from './delete.operation';
import { update } from './update.operation';

/** The Resource dropdown's entry for probation assessments. */
export const resource: INodePropertyOptions = {
	name: 'Probation Assessment',
	value: 'probationAssessment',
	description: 'One assessment of a probation: its status, result, score, grade and comment',
};

/** Probation Assessment's operations, by the Operation parameter's value. */
export const operations: Record<string, Operation> = { create, delete: deleteAssessment, update };

/** The Operation dropdown, shown for this resource. */
export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['probationAssessment'] } },
	options: [
		{
			name: 'Create',
			value: 'create',
			action: 'Create a probation assessment',
			description: "Add one or more assessments to an employee's probation and return their IDs",
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete a probation assessment',
			description: 'Remove one assessment by its ID; this cannot be undone',
		},
		{
			name: 'Update',
			value: 'update',
			action: 'Update a probation assessment',
			description: 'Write the status, result, score, grade and comment of one assessment, found by employee or by ID',
		},
	],
	default: 'update',
};

/** The parameters of this resource's operations, each limited to its operation by displayOptions. */
export const description: INodeProperties[] = Object.values(operations).flatMap((op) => op.description);
