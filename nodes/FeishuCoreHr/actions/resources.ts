import type { INodeProperties } from 'n8n-workflow';

import * as employee from './employee/Employee.resource';
import * as probation from './probation/Probation.resource';
import * as probationAssessment from './probationAssessment/ProbationAssessment.resource';
import type { Operation } from './types';

/** Every resource, in the order the editor lists them; each file holds its operation list. */
const resources = [employee, probation, probationAssessment];

/** Every resource's operations, by parameter value: what the router runs. */
export const operations: Record<string, Record<string, Operation>> = Object.fromEntries(
	resources.map((r) => [r.resource.value, r.operations]),
);

/** The node's parameters: Resource, each resource's Operation, then every operation's own. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources.map((r) => r.resource),
		// The options come from the resource files, which the linter cannot read; this is one of them.
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options
		default: 'probationAssessment',
	},
	...resources.map((r) => r.operationProperty),
	...resources.flatMap((r) => r.description),
];
