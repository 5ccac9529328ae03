import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { assessmentsWithheld, assessmentsWithheldMessage } from '../../shared/people/assessmentScope';
import type { EmployeeFound } from '../../shared/people/found';
import { toEmployeeFound } from '../../shared/people/found';
import { COREHR_ID_TYPE, Directory } from '../../shared/people/directory';
import { DEFAULT_SETTINGS, FeishuClient } from '../../shared/transport';
import type { EmployeeSearchData } from '../../shared/transport/endpoints';
import { EMPLOYEE_FIELDS, SEARCH_PAGE_SIZE, employees, send } from '../../shared/transport/endpoints';

function clientFor(ctx: ILoadOptionsFunctions): FeishuClient {
	return new FeishuClient(ctx, { ...DEFAULT_SETTINGS, maxRequestsPerMinute: 0 });
}

/** One page of Feishu's fuzzy employee search (name, employee number, email), current employees only. */
async function employeePage(client: FeishuClient, filter?: string, paginationToken?: string): Promise<{ employees: EmployeeFound[]; next?: string }> {
	const data: EmployeeSearchData = { fields: EMPLOYEE_FIELDS, employment_status: 'hired' };
	if (filter?.trim()) data.key_word = filter.trim();
	const params = { page_size: SEARCH_PAGE_SIZE, user_id_type: COREHR_ID_TYPE, ...(paginationToken ? { page_token: paginationToken } : {}) };
	const response = await send(client, employees.search.request({ params, data }));
	return { employees: (response.data?.items ?? []).map(toEmployeeFound), next: response.data?.has_more ? response.data.page_token : undefined };
}

function label(e: EmployeeFound): string {
	return [e.name ?? e.employmentId, e.employeeNumber, e.email].filter(Boolean).join(' · ');
}

/** The Employee picker. */
export async function searchEmployees(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { employees, next } = await employeePage(clientFor(this), filter, paginationToken);
	return { results: employees.map((e) => ({ name: label(e), value: e.employmentId })), paginationToken: next };
}

/** The Assessment picker: the assessments of the employees a search finds, each named by its person. */
export async function searchAssessments(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const client = clientFor(this);
	const { employees, next } = await employeePage(client, filter, paginationToken);
	const directory = new Directory(client);
	directory.prefetchProbations(COREHR_ID_TYPE, employees.map((e) => e.employmentId));
	const results: INodeListSearchResult['results'] = [];
	const probations = (await Promise.all(employees.map(async (e) => await directory.probations(COREHR_ID_TYPE, e.employmentId)))).flat();
	// An empty list would read as "no assessments" when the app may not see them at all.
	if (assessmentsWithheld(probations.map((p) => p.raw))) throw new NodeOperationError(this.getNode(), assessmentsWithheldMessage(probations.length));
	for (const employee of employees) {
		for (const probation of probations.filter((p) => p.employmentId === employee.employmentId)) {
			for (const a of probation.assessments ?? []) {
				const facts = [a.isFinalAssessment === undefined ? undefined : a.isFinalAssessment ? 'final' : 'not final', a.assessmentStatus].filter(Boolean).join(', ');
				results.push({ name: `${label(employee)} — ${facts} (${a.assessmentId})`, value: a.assessmentId });
			}
		}
	}
	return { results, paginationToken: next };
}
