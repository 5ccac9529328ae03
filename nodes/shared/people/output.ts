import type { IDataObject } from 'n8n-workflow';

import { FINAL_FLAG_WIRE } from '../transport/endpoints';

/** Feishu returns enums as `{enum_name, display:[{lang, value}]}`. */
function isEnumObject(value: unknown): value is { enum_name: string; display?: Array<{ lang?: string; value?: string }> } {
	return typeof value === 'object' && value !== null && typeof (value as { enum_name?: unknown }).enum_name === 'string';
}

/** An enum's readable label (English first), or undefined when the value is no enum object. */
export function wireEnumLabel(value: unknown): string | undefined {
	return isEnumObject(value) ? enumLabel(value) : undefined;
}

function enumLabel(value: { enum_name: string; display?: Array<{ lang?: string; value?: string }> }): string {
	const display = Array.isArray(value.display) ? value.display : [];
	const pick = (lang: string) => display.find((d) => d.lang?.toLowerCase() === lang)?.value;
	return pick('en-us') ?? pick('zh-cn') ?? display[0]?.value ?? value.enum_name;
}

const camelCase = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Names in Feishu's answers that plain camelCase would get wrong. */
const RENAMES: Readonly<Record<string, string>> = { [FINAL_FLAG_WIRE]: 'isFinalAssessment' };

/**
 * Turns a Feishu response object into output in the user's words: camelCase names (Feishu's
 * misspellings read back clean), enums as the plain value plus a readable `…Label`, IDs left as
 * the strings Feishu sent.
 */
export function toOutput(value: unknown): unknown {
	if (Array.isArray(value)) return value.map((v) => toOutput(v));
	if (typeof value !== 'object' || value === null) return value;
	const out: IDataObject = {};
	for (const [key, field] of Object.entries(value as IDataObject)) {
		const name = RENAMES[key] ?? camelCase(key);
		if (isEnumObject(field)) {
			out[name] = field.enum_name;
			out[`${name}Label`] = enumLabel(field);
		} else {
			out[name] = toOutput(field) as IDataObject[keyof IDataObject];
		}
	}
	return out;
}
