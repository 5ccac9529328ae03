import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { probation, send } from '../../../shared/transport/endpoints';
import { employeeLocatorProperty, employeeRefOf, employmentOf, prefetchEmployees } from '../probationAssessment/employeeTarget';
import { clientTokenOption, writeResult } from '../probationAssessment/shared';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';

const properties: INodeProperties[] = [
	{
		...employeeLocatorProperty,
		description: 'The employee whose submitted conversion is withdrawn',
	},
	optionsProperty(clientTokenOption),
];

export const description = updateDisplayOptions({ show: { resource: ['probation'], operation: ['withdrawConversion'] } }, properties);

async function prepare(this: IExecuteFunctions, itemCount: number, run: RunContext): Promise<void> {
	prefetchEmployees(run, itemCount, (itemIndex) => employeeRefOf(this, itemIndex));
}

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const employment = await employmentOf(run, employeeRefOf(this, itemIndex));
	const data = { employment_id: employment.id };
	// A retry after a lost answer would find nothing left to withdraw: the token makes it the same request.
	const clientToken = run.clientToken(itemIndex, probation.withdraw.request({ data }));
	const params = { client_token: clientToken, user_id_type: employment.idType };
	const response = await send(run.client, probation.withdraw.request({ params, data }, itemIndex));
	return [{ ...employment.who, withdrawn: true, clientToken, ...writeResult(response) }];
}

export const withdrawConversion: Operation = { description, prepare, execute };
