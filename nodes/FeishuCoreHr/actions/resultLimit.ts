import type { INodeProperties } from 'n8n-workflow';

import { InvalidInputError, parseBoolean, parseNumber } from '../helpers/parse';

/** Every search operation's Return All / Limit pair. */
export const returnAllProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** How many results an item asks for: Infinity with Return All. Expressions can pass the editor's bounds, so they are checked here. */
export function resultLimit(returnAll: unknown, limit: unknown): number {
	if (parseBoolean('Return All', returnAll)) return Infinity;
	const n = parseNumber('Limit', limit);
	if (!Number.isInteger(n) || n < 1) throw new InvalidInputError('Limit', limit, 'Use a whole number of 1 or more, or turn on Return All.');
	return n;
}
