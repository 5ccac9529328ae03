/**
 * Everything about assessment grades: the tenant configures its own options (a custom field of
 * the probation object), so they are read from Feishu — for the dropdown, and at most once per
 * run to check and resolve the grades rows give, by API name or label.
 */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import type { Choice } from '../../shared/people/choices';
import { InvalidInputError, describeChoices, parseText } from '../helpers/parse';
import type { FeishuRequester } from '../../shared/transport';
import { DEFAULT_SETTINGS, FeishuClient } from '../../shared/transport';
import type { EnumFieldOption } from '../../shared/transport/endpoints';
import { GRADE_FIELD, customFields, send } from '../../shared/transport/endpoints';

export const GRADE_LABEL = 'Assessment Grade';

export interface GradeOption extends Choice {
	description: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** An option as it may come: the endpoint's keys, values not yet checked. */
type RawOption = { [K in keyof EnumFieldOption]?: unknown };

/** The custom-field answer nests `data` twice; options live deep inside and closed ones are skipped. */
export function gradeOptionsFromField(data: unknown): GradeOption[] {
	const field = (data as { data?: { common_schema_config?: { enum_field_setting?: { enum_field_option_list?: unknown } } } })?.data;
	const list = field?.common_schema_config?.enum_field_setting?.enum_field_option_list;
	if (!Array.isArray(list)) return [];
	return (list as RawOption[])
		.filter((o) => typeof o.api_name === 'string' && o.api_name !== '' && o.is_open !== false)
		.map((o) => {
			const name = (o.name ?? {}) as { zh_cn?: unknown; en_us?: unknown };
			const description = (o.description ?? {}) as { zh_cn?: unknown; en_us?: unknown };
			const en = text(name.en_us);
			const zh = text(name.zh_cn);
			const apiName = o.api_name as string;
			return {
				value: apiName,
				name: en || zh || apiName,
				aliases: [zh, en].filter((s) => s && s !== (en || zh)),
				description: text(description.en_us) || text(description.zh_cn),
			};
		});
}

/** Reads the tenant's grade options from the custom-field API (used by the dropdown and by validation). */
export async function fetchGradeOptions(client: FeishuRequester): Promise<GradeOption[]> {
	const response = await send(client, customFields.getByParam.request({ params: { ...GRADE_FIELD } }));
	return gradeOptionsFromField(response.data);
}

/**
 * The run's grade options, fetched at most once and only when a row gives a grade. An unreadable
 * list (e.g. no metadata scope) is undefined: grades are then sent as given, if API-name-shaped.
 */
export function gradesOfRun(client: FeishuRequester): () => Promise<GradeOption[] | undefined> {
	let grades: Promise<GradeOption[] | undefined> | undefined;
	return async () => {
		grades ??= fetchGradeOptions(client).catch(() => undefined);
		return await grades;
	};
}

/** Resolves a grade by API name or label against the tenant's open options. */
export function resolveGrade(value: unknown, options: readonly GradeOption[] | undefined, field: string = GRADE_LABEL): string {
	const given = parseText(field, value).trim();
	if (options === undefined) {
		// The list could not be read (e.g. no metadata scope): trust an API-name-shaped value.
		if (/^[\w.-]+$/.test(given)) return given;
		throw new InvalidInputError(field, value, 'Use the option\'s API name, e.g. grade_a.');
	}
	const wanted = given.toLowerCase();
	const match = options.find((o) => [o.value, o.name, ...o.aliases].some((s) => s.toLowerCase() === wanted));
	if (!match) {
		throw new InvalidInputError(
			field,
			value,
			options.length ? describeChoices(options) : 'Your tenant has no open grade options.',
			'is not an open grade option in your tenant',
		);
	}
	return match.value;
}

/** The grade dropdowns (load options method `getAssessmentGrades`). */
export async function getAssessmentGrades(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const options = await fetchGradeOptions(new FeishuClient(this, { ...DEFAULT_SETTINGS, maxRequestsPerMinute: 0 }));
	return options.map((o) => ({
		name: o.aliases.length ? `${o.name} (${o.aliases.join(', ')})` : o.name,
		value: o.value,
		description: o.description || `API name: ${o.value}`,
	}));
}
