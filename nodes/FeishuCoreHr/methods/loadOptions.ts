import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchGradeOptions } from '../actions/gradeOptions';
import { DEFAULT_SETTINGS, FeishuClient } from '../transport';

export async function getAssessmentGrades(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const options = await fetchGradeOptions(new FeishuClient(this, { ...DEFAULT_SETTINGS, maxRequestsPerMinute: 0 }));
	return options.map((o) => ({
		name: o.aliases.length ? `${o.name} (${o.aliases.join(', ')})` : o.name,
		value: o.value,
		description: o.description || `API name: ${o.value}`,
	}));
}
