import { search as searchEmployees } from './employee/search.operation';
import { edit } from './probation/edit.operation';
import { enableDisableAssessment } from './probation/enableDisableAssessment.operation';
import { search } from './probation/search.operation';
import { submitConversion } from './probation/submitConversion.operation';
import { withdrawConversion } from './probation/withdrawConversion.operation';
import { create } from './probationAssessment/create.operation';
import { deleteAssessment } from './probationAssessment/delete.operation';
import { update } from './probationAssessment/update.operation';
import type { Operation } from './types';

/** Every resource's operations, by parameter value. */
export const operations: Record<string, Record<string, Operation>> = {
	employee: { search: searchEmployees },
	probation: { edit, enableDisableAssessment, search, submitConversion, withdrawConversion },
	probationAssessment: { create, delete: deleteAssessment, update },
};
