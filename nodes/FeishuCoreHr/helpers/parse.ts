/**
 * Pure checks for values that arrive from parameters, spreadsheets and forms.
 * Each returns the clean value or throws InvalidInputError; none sends anything.
 */

import type { Choice } from '../../shared/people/choices';

/** A bad value for one field: names the field, the value and what is allowed. */
export class InvalidInputError extends Error {
	constructor(
		readonly field: string,
		readonly value: unknown,
		readonly allowed: string,
		readonly reason = 'is not valid',
	) {
		super(`${field} ${showValue(value)} ${reason}. ${allowed}`);
		this.name = 'InvalidInputError';
	}
}

export function showValue(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
	if (value === undefined) return '(empty)';
	if (typeof value === 'bigint') return `${value}`;
	// JSON would show NaN and Infinity as null.
	if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

/** Empty cells, blank form fields and unset expressions mean "not given". */
export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function required(field: string, value: unknown, allowed: string): void {
	if (isBlank(value)) throw new InvalidInputError(field, value, allowed, 'is required but empty');
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Full-width forms (U+FF01–U+FF5E, what a Chinese or Japanese input method types, e.g. "７１４０")
 * and the ideographic space as their ASCII twins: the same characters, so nothing is guessed.
 */
export function toHalfWidth(text: string): string {
	return text
		.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
		.replace(/\u3000/g, ' ');
}

/**
 * Feishu IDs are ~19-digit strings, beyond 2^53: once a spreadsheet or a JSON parser made one a
 * number it has been rounded and may name a different record, so such a number is refused.
 */
export function parseId(field: string, value: unknown): string {
	const allowed = 'Use the ID as text, digits only (e.g. "7140964208476371331").';
	const zero = 'is zero, which is no record\'s ID';
	required(field, value, allowed);
	if (typeof value === 'bigint' && value > 0n) return value.toString();
	if (typeof value === 'number') {
		if (Number.isSafeInteger(value) && value > 0) return String(value);
		if (Number.isInteger(value) && value > MAX_SAFE) {
			throw new InvalidInputError(
				field,
				value,
				'Format the column as text in the spreadsheet (or wrap the ID in quotes) so every digit survives.',
				'came in as a number and lost its last digits, so it may name a different record; it was not used',
			);
		}
		throw new InvalidInputError(field, value, allowed, value === 0 ? zero : undefined);
	}
	if (typeof value !== 'string') throw new InvalidInputError(field, value, allowed);
	const text = toHalfWidth(value).trim();
	if (/^\d+(\.\d+)?e\+\d+$/i.test(text)) {
		throw new InvalidInputError(
			field,
			value,
			'Format the spreadsheet column as text so the full ID is kept.',
			'is a number in scientific notation, so digits were lost',
		);
	}
	if (!/^\d{1,32}$/.test(text)) throw new InvalidInputError(field, value, allowed);
	if (/^0+$/.test(text)) throw new InvalidInputError(field, value, allowed, zero);
	// Feishu's IDs never start with 0: the cell was padded or mistyped, and which record it means is a guess.
	if (text.startsWith('0')) {
		throw new InvalidInputError(field, value, `${allowed} Check that the cell was not padded with zeros.`, 'starts with 0, which no Feishu ID does');
	}
	return text;
}

/**
 * IDs that are not CoreHR's numeric ones (open_id `ou_…`, union_id `on_…`, open department
 * `od-…`, user_id): kept as the text they are. A number is taken only while it is exact.
 */
export function parseTextId(field: string, value: unknown): string {
	const allowed = 'Use the ID as text, e.g. "ou_7dab8a3d3cdcc9da365777c7ad535d62".';
	if (typeof value === 'number' || typeof value === 'bigint') return parseId(field, value);
	required(field, value, allowed);
	if (typeof value !== 'string') throw new InvalidInputError(field, value, allowed);
	const text = toHalfWidth(value).trim();
	if (!/^[\w.:-]{1,128}$/.test(text)) throw new InvalidInputError(field, value, allowed);
	return text;
}

function normalise(text: string): string {
	return text.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

export function describeChoices(choices: readonly Choice[]): string {
	const list = choices.map((c) => `${c.name} (${c.value}${c.aliases.length ? `, ${c.aliases.join(', ')}` : ''})`);
	return `Allowed: ${list.join('; ')}.`;
}

/** Accepts the wire value, the label or an alias, case-insensitively. */
export function parseChoice<V extends string>(field: string, value: unknown, choices: readonly Choice<V>[]): V {
	required(field, value, describeChoices(choices));
	if (typeof value === 'string') {
		const wanted = normalise(value);
		for (const choice of choices) {
			if ([choice.value, choice.name, ...choice.aliases].some((s) => normalise(s) === wanted)) return choice.value;
		}
	}
	throw new InvalidInputError(field, value, describeChoices(choices));
}

const TRUE_WORDS = ['true', 'yes', 'y', '1', '是', '真'];
const FALSE_WORDS = ['false', 'no', 'n', '0', '否', '假'];

/** true, false, or undefined when the value is no yes/no word the node reads. */
export function booleanWord(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (value === 1 || value === 0) return value === 1;
	if (typeof value === 'string') {
		const word = value.trim().toLowerCase();
		if (TRUE_WORDS.includes(word)) return true;
		if (FALSE_WORDS.includes(word)) return false;
	}
	return undefined;
}

export function parseBoolean(field: string, value: unknown): boolean {
	const allowed = 'Allowed: true or false (also yes/no, 1/0, 是/否).';
	required(field, value, allowed);
	const answer = booleanWord(value);
	if (answer === undefined) throw new InvalidInputError(field, value, allowed);
	return answer;
}

/** Plain decimal notation, the only text read as a number: "88.5", "-3", ".5", "61." */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

const NOTATIONS: ReadonlyArray<[RegExp, string]> = [
	[/^[+-]?0x[\da-f]+$/i, 'hexadecimal'],
	[/^[+-]?0b[01]+$/i, 'binary'],
	[/^[+-]?0o[0-7]+$/i, 'octal'],
	[/^[+-]?(\d+\.?\d*|\.\d+)e[+-]?\d+$/i, 'scientific'],
];

/**
 * A number from a parameter or a spreadsheet cell. Text is read only in plain decimal notation:
 * JavaScript's Number() would also make 16 of "0x10", 1000 of "1e3" and 0 of "", none of which
 * a person typing a score means.
 */
export function parseNumber(field: string, value: unknown): number {
	const allowed = 'Use a number such as 88.5 (a dot for decimals, no thousands separators).';
	required(field, value, allowed);
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new InvalidInputError(field, value, allowed);
		return value;
	}
	if (typeof value !== 'string') throw new InvalidInputError(field, value, allowed);
	const text = toHalfWidth(value).trim();
	if (DECIMAL.test(text)) return Number(text);
	const notation = NOTATIONS.find(([pattern]) => pattern.test(text))?.[1];
	if (notation) {
		// Number() reads "0x10" but not "-0x10": apply the sign by hand.
		const magnitude = Number(text.replace(/^[+-]/, ''));
		const read = text.startsWith('-') ? -magnitude : magnitude;
		throw new InvalidInputError(field, value, allowed, `is written in ${notation} notation (it would be read as ${read}), so it was not used`);
	}
	throw new InvalidInputError(field, value, allowed);
}

export function parseText(field: string, value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw new InvalidInputError(field, value, 'Use plain text.');
}

export function parseHttpUrl(field: string, value: unknown): string {
	const allowed = 'Use a full link starting with http:// or https://.';
	const text = parseText(field, value).trim();
	const url = URL.canParse(text) ? new URL(text) : undefined;
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
		throw new InvalidInputError(field, value, allowed);
	}
	return text;
}

/** Dates for filters: a Date, an ISO date-time or YYYY-MM-DD, sent as YYYY-MM-DD. */
export function parseDate(field: string, value: unknown): string {
	const allowed = 'Use a date such as 2026-05-18.';
	required(field, value, allowed);
	const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value.trim() : '';
	const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(text);
	if (!match) throw new InvalidInputError(field, value, allowed);
	const [, y, m, d] = match;
	const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
	if (date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) {
		throw new InvalidInputError(field, value, allowed);
	}
	return `${y}-${m}-${d}`;
}
