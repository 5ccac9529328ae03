/**
 * How a row names an employee, checked before any lookup: the kind of key, the ID type Feishu
 * must read it with, and the exact values to search for.
 */
import type { EmployeeKeyKind } from '../../shared/people/directory';
import { COREHR_ID_TYPE } from '../../shared/people/directory';
import { USER_ID_TYPES } from '../../shared/transport/endpoints';
import { InvalidInputError, isBlank, parseTextId, required, toHalfWidth } from './parse';

export interface EmployeeRef {
	kind: EmployeeKeyKind;
	/** user_id_type for the lookups (people_corehr_id unless the row gave an ID of another type). */
	idType: string;
	/** What to search for: one value, or the spellings a number may have had before it lost its zeros. */
	values: string[];
	/** The row's key in words, for messages. */
	asked: string;
}

/** Employee numbers are at most this long when the node restores leading zeros a spreadsheet dropped. */
const MAX_RESTORED_NUMBER_LENGTH = 10;

/** Feishu's ID types can be told apart by their shape: ou_… (Open ID), on_… (Union ID), digits (CoreHR ID). */
export function employmentIdTypeOf(id: string): string | undefined {
	if (/^ou_[0-9a-z]+$/i.test(id)) return USER_ID_TYPES.openId;
	if (/^on_[0-9a-z]+$/i.test(id)) return USER_ID_TYPES.unionId;
	if (/^\d{6,32}$/.test(id)) return COREHR_ID_TYPE;
	return undefined;
}

export function parseEmploymentId(field: string, value: unknown): { id: string; idType: string } {
	const id = parseTextId(field, value);
	const idType = employmentIdTypeOf(id);
	if (!idType) {
		throw new InvalidInputError(
			field,
			value,
			'Use the CoreHR employment ID (digits, e.g. "7140964208476371111") or the Open ID (e.g. "ou_7dab8a3d3cdcc9da365777c7ad535d62").',
		);
	}
	return { id, idType };
}

export function parseEmployeeNumber(field: string, value: unknown): EmployeeRef {
	const allowed = 'Use the employee number as text, e.g. "030123" (format the column as text so leading zeros stay).';
	required(field, value, allowed);
	if (typeof value === 'number') {
		if (!Number.isSafeInteger(value) || value < 0) throw new InvalidInputError(field, value, allowed);
		// A spreadsheet read "030123" as 30123: look for every spelling it may have had, and use it only if one person matches.
		const digits = String(value);
		const values = [digits];
		for (let padded = `0${digits}`; padded.length <= MAX_RESTORED_NUMBER_LENGTH; padded = `0${padded}`) values.push(padded);
		return {
			kind: 'employeeNumber',
			idType: COREHR_ID_TYPE,
			values,
			asked: `Employee number ${digits} (it arrived as a number, so leading zeros may have been dropped)`,
		};
	}
	if (typeof value !== 'string') throw new InvalidInputError(field, value, allowed);
	// What a Chinese input method types in full width (０３０１２３) is the same number.
	const text = toHalfWidth(value).trim();
	if (!/^[\w.\-/]{1,64}$/.test(text)) throw new InvalidInputError(field, value, allowed);
	return { kind: 'employeeNumber', idType: COREHR_ID_TYPE, values: [text], asked: `Employee number ${text}` };
}

export function parseWorkEmail(field: string, value: unknown): EmployeeRef {
	const allowed = 'Use a work email address such as "zhang.san@example.com".';
	required(field, value, allowed);
	const text = typeof value === 'string' ? toHalfWidth(value).trim() : '';
	if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text)) throw new InvalidInputError(field, value, allowed);
	// Feishu matches emails exactly; people type them in any case. Both spellings are looked up.
	return { kind: 'email', idType: COREHR_ID_TYPE, values: [...new Set([text, text.toLowerCase()])], asked: `Work email ${text}` };
}

/** The Employee parameter: its mode says what kind of key the value is. */
export function parseEmployeeRef(field: string, mode: string, value: unknown): EmployeeRef {
	if (mode === 'employeeNumber') return parseEmployeeNumber(field, value);
	if (mode === 'email') return parseWorkEmail(field, value);
	if (mode === 'id' || mode === 'list') {
		const { id, idType } = parseEmploymentId(field, value);
		return { kind: 'employmentId', idType, values: [id], asked: `Employment ID ${id}` };
	}
	throw new InvalidInputError(field, isBlank(mode) ? value : mode, 'Choose how the employee is identified: employee number, work email or employment ID.');
}
