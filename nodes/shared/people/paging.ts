import type { IDataObject } from 'n8n-workflow';

import type { FeishuRequester } from '../transport';
import type { Endpoint, Page, PageParams } from '../transport/endpoints';
import { SEARCH_PAGE_SIZE, send } from '../transport/endpoints';

/** A search that pages with `page_size`/`page_token` (its endpoint says which of Feishu's limits it counts against). */
export type SearchEndpoint<Q extends PageParams, B extends IDataObject, T> = Endpoint<{ params: Q; data: B }, Page<T>>;

export interface SearchPagesRequest<Q extends PageParams, B extends IDataObject> {
	/** The query beside the paging parameters. */
	params: Omit<Q, keyof PageParams>;
	data: B;
	/** Stop once this many items are read (default: all). */
	limit?: number;
	itemIndex?: number;
}

/**
 * Reads a Feishu search page after page (`page_token`), asking each page only for what is still
 * needed. Paging that goes round in circles would never end: a repeated token stops it.
 */
export async function searchPages<Q extends PageParams, B extends IDataObject, T extends IDataObject>(
	client: FeishuRequester,
	endpoint: SearchEndpoint<Q, B, T>,
	request: SearchPagesRequest<Q, B>,
): Promise<T[]> {
	const limit = request.limit ?? Infinity;
	const items: T[] = [];
	const seen = new Set<string>();
	let pageToken: string | undefined;
	do {
		const params = { ...request.params, page_size: Math.min(SEARCH_PAGE_SIZE, limit - items.length), ...(pageToken ? { page_token: pageToken } : {}) } as Q;
		const response = await send(client, endpoint.request({ params, data: request.data }, request.itemIndex));
		for (const item of (response.data?.items ?? []) as unknown[]) {
			if (typeof item === 'object' && item !== null) items.push(item as T);
		}
		pageToken = response.data?.has_more && response.data.page_token ? response.data.page_token : undefined;
		if (pageToken !== undefined && seen.has(pageToken)) {
			throw new Error(`Feishu returned the same page token twice (${endpoint.path}, ${items.length} items read); stopped instead of looping`);
		}
		if (pageToken !== undefined) seen.add(pageToken);
	} while (pageToken && items.length < limit);
	return items.slice(0, limit);
}
