/**
 * What the lookups found, in the node's words: an employment from employees/search, a probation
 * with its assessments from probation/search.
 */
import type { IDataObject } from 'n8n-workflow';

import type { EmployeeItem, ProbationItem } from '../transport/endpoints';
import { FINAL_FLAG_WIRE } from '../transport/endpoints';
import { wireEnumLabel } from './output';

/** One employment an employee search found. */
export interface EmployeeFound {
	employmentId: string;
	employeeNumber?: string;
	email?: string;
	name?: string;
	/** `hired` or `terminated`; absent when Feishu did not say. */
	employmentStatus?: string;
	/** Its label as Feishu words it, e.g. Employed. */
	employmentStatusLabel?: string;
}

export interface AssessmentFound {
	assessmentId: string;
	/** undefined when Feishu's answer did not say: then the node cannot keep or judge the flag. */
	isFinalAssessment?: boolean;
	assessmentStatus?: string;
}

export interface ProbationFound {
	employmentId: string;
	probationId?: string;
	probationStatus?: string;
	/** Absent when Feishu left the key out: the app lacks the assessment read scope. */
	assessments?: AssessmentFound[];
	/** Feishu's item as it came, for operations that output the whole probation. */
	raw: IDataObject;
}

export const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function enumName(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	return text((value as { enum_name?: unknown } | null)?.enum_name);
}

export function toEmployeeFound(item: EmployeeItem): EmployeeFound {
	const person = item.person_info ?? {};
	return {
		employmentId: String(item.employment_id ?? ''),
		employeeNumber: text(item.employee_number),
		email: text(item.email_address),
		name: text(person.preferred_local_full_name) ?? text(person.preferred_name) ?? text(person.preferred_english_full_name),
		employmentStatus: enumName(item.employment_status),
		employmentStatusLabel: wireEnumLabel(item.employment_status),
	};
}

export function toProbationFound(item: ProbationItem): ProbationFound {
	const found: ProbationFound = {
		employmentId: String(item.employment_id ?? ''),
		probationId: text(item.probation_id),
		probationStatus: enumName(item.probation_status),
		raw: item,
	};
	if (Array.isArray(item.assessments)) {
		found.assessments = item.assessments.map((a) => ({
			assessmentId: String(a.assessment_id ?? ''),
			isFinalAssessment: typeof a[FINAL_FLAG_WIRE] === 'boolean' ? a[FINAL_FLAG_WIRE] : undefined,
			assessmentStatus: enumName(a.assessment_status),
		}));
	}
	return found;
}
