/** An employment a lookup found, as both nodes show it: in messages, and in their output. */
import type { IDataObject } from 'n8n-workflow';

import type { EmployeeFound } from './found';

/** The employee in a message: name, number, employment and its status, e.g. `张三 (employee number 030123, employment 714…, hired)`. */
export function describeEmployee(e: EmployeeFound): string {
	const facts = [
		e.employeeNumber !== undefined ? `employee number ${e.employeeNumber}` : undefined,
		`employment ${e.employmentId}`,
		e.employmentStatus,
	].filter(Boolean);
	return `${e.name ?? 'an employee'} (${facts.join(', ')})`;
}

/**
 * The employee in output, the same keys wherever a node shows one: who an operation wrote (at the
 * top of its item), each person Employee → Search found, and whom an event is about (the
 * trigger's `employee`). A key Feishu did not return (or the app may not read) is null.
 */
export function employeeOutput(employee: EmployeeFound): IDataObject {
	return {
		employeeNumber: employee.employeeNumber ?? null,
		employeeName: employee.name ?? null,
		employmentId: employee.employmentId,
		workEmail: employee.email ?? null,
		employmentStatus: employee.employmentStatus ?? null,
		employmentStatusLabel: employee.employmentStatusLabel ?? null,
	};
}
