import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InvalidInputError, parseBoolean, parseNumber } from '../helpers/parse';

import type { FeishuClient, RequestKind } from '../transport';
import { SEARCH_PAGE_SIZE } from '../transport/endpoints';

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

export interface SearchPagesRequest {
	path: string;
	qs: IDataObject;
	body: IDataObject;
	/** Stop once this many items are read (default: all). */
	limit?: number;
	itemIndex?: number;
	/** Which of Feishu's limits the pages count against (default: the read limits). */
	kind?: RequestKind;
}

/**
 * Reads a Feishu search page after page (`page_token`), asking each page only for what is still
 * needed. Paging that goes round in circles would never end: a repeated token stops it.
 */
export async function searchPages(client: FeishuClient, request: SearchPagesRequest): Promise<IDataObject[]> {
	const limit = request.limit ?? Infinity;
	const items: IDataObject[] = [];
	const seen = new Set<string>();
	let pageToken: string | undefined;
	do {
		const response = await client.request<{ items?: unknown[]; has_more?: boolean; page_token?: string }>({
			method: 'POST',
			path: request.path,
			qs: { ...request.qs, page_size: Math.min(SEARCH_PAGE_SIZE, limit - items.length), ...(pageToken ? { page_token: pageToken } : {}) },
			body: request.body,
			itemIndex: request.itemIndex,
			kind: request.kind ?? 'read',
		});
		for (const item of response.data?.items ?? []) {
			if (typeof item === 'object' && item !== null) items.push(item as IDataObject);
		}
		pageToken = response.data?.has_more && response.data.page_token ? response.data.page_token : undefined;
		if (pageToken !== undefined && seen.has(pageToken)) {
			throw new Error(`Feishu returned the same page token twice (${request.path}, ${items.length} items read); stopped instead of looping`);
		}
		if (pageToken !== undefined) seen.add(pageToken);
	} while (pageToken && items.length < limit);
	return items.slice(0, limit);
}
