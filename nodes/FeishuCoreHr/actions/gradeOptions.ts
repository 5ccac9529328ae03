import type { GradeOption } from '../helpers/grades';
import { gradeOptionsFromField } from '../helpers/grades';
import type { FeishuClient } from '../transport';
import { GRADE_FIELD, customFields, send } from '../transport/endpoints';

/** Reads the tenant's grade options from the custom-field API (used by the dropdown and by validation). */
export async function fetchGradeOptions(client: FeishuClient): Promise<GradeOption[]> {
	const response = await send(client, customFields.getByParam.request({ params: { ...GRADE_FIELD } }));
	return gradeOptionsFromField(response.data);
}
