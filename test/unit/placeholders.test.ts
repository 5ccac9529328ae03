import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_DEPARTMENT_ID_TYPE, DEFAULT_USER_ID_TYPE } from '../../nodes/FeishuCoreHr/actions/idTypes';
import { DEPARTMENT_ID_TYPES, USER_ID_TYPES } from '../../nodes/shared/transport/endpoints';
import { FeishuCoreHr } from '../../nodes/FeishuCoreHr/FeishuCoreHr.node';

/** Every property of the node, collections and their entries included. */
function allProperties(properties: readonly INodeProperties[]): INodeProperties[] {
	return properties.flatMap((p) => [p, ...allProperties((p.options ?? []).filter((o): o is INodeProperties => 'displayName' in o && 'type' in o))]);
}

describe('examples in the editor match the ID type the field takes', () => {
	const properties = allProperties(new FeishuCoreHr().description.properties);

	it('shows an Open ID wherever an employment ID is read with the default Employment ID Type', () => {
		expect(DEFAULT_USER_ID_TYPE).toBe(USER_ID_TYPES.openId);
		expect(DEFAULT_DEPARTMENT_ID_TYPE).toBe(DEPARTMENT_ID_TYPES.openDepartmentId);
		// The field whose ID type is an Employment ID Type parameter: Probation Search's filter
		// (Employee Search's filter takes CoreHR IDs).
		const typed = properties.filter((p) => p.name === 'employmentIds' && !p.description?.includes('CoreHR'));
		expect(typed).toHaveLength(1);
		for (const p of typed) {
			expect(p.placeholder).toMatch(/^e\.g\. ou_[0-9a-f]{32}/);
		}
	});

	it('shows CoreHR digits only where the field takes CoreHR IDs, and both forms where either is read', () => {
		const employeeSearchIds = properties.find((p) => p.name === 'employmentIds' && p.description?.includes('CoreHR'));
		expect(employeeSearchIds?.placeholder).toMatch(/^e\.g\. \d{19}$/);
		const locator = properties.find((p) => p.name === 'employee' && p.type === 'resourceLocator');
		const byId = locator?.modes?.find((m) => m.name === 'id');
		expect(byId?.placeholder).toMatch(/\d{19}/);
		expect(byId?.placeholder).toMatch(/ou_/);
	});
});
