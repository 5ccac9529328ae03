import type { GradeOption } from '../helpers/grades';
import { GRADE_FIELD_PATH, GRADE_FIELD_QUERY, gradeOptionsFromField } from '../helpers/grades';
import type { FeishuClient } from '../transport';

/** Reads the tenant's grade options from the custom-field API (used by the dropdown and by validation). */
export async function fetchGradeOptions(client: FeishuClient): Promise<GradeOption[]> {
	const response = await client.request({ method: 'GET', path: GRADE_FIELD_PATH, qs: { ...GRADE_FIELD_QUERY }, kind: 'read' });
	return gradeOptionsFromField(response.data);
}
