import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { toEmployeeFound } from '../actions/directory';
import { COREHR_ID_TYPE } from '../helpers/employee';
import { DEFAULT_SETTINGS, FeishuClient } from '../transport';
import { EMPLOYEE_FIELDS, EMPLOYEE_SEARCH_PATH, SEARCH_PAGE_SIZE } from '../transport/endpoints';

/** The Employee picker: Feishu's fuzzy search over name, employee number and email. */
export async function searchEmployees(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const client = new FeishuClient(this, { ...DEFAULT_SETTINGS, maxRequestsPerMinute: 0 });
	const body: IDataObject = { fields: EMPLOYEE_FIELDS, employment_status: 'hired' };
	if (filter?.trim()) body.key_word = filter.trim();
	const response = await client.request<{ items?: IDataObject[]; has_more?: boolean; page_token?: string }>({
		method: 'POST',
		path: EMPLOYEE_SEARCH_PATH,
		qs: { page_size: SEARCH_PAGE_SIZE, user_id_type: COREHR_ID_TYPE, ...(paginationToken ? { page_token: paginationToken } : {}) },
		body,
		kind: 'read',
	});
	const results = (response.data?.items ?? []).map(toEmployeeFound).map((e) => ({
		name: [e.name ?? e.employmentId, e.employeeNumber, e.email].filter(Boolean).join(' · '),
		value: e.employmentId,
	}));
	return { results, paginationToken: response.data?.has_more ? response.data.page_token : undefined };
}
