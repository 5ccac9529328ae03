import type { Choice } from './parse';

export interface GradeOption extends Choice {
	description: string;
}

interface RawOption {
	api_name?: unknown;
	name?: { zh_cn?: unknown; en_us?: unknown };
	description?: { zh_cn?: unknown; en_us?: unknown };
	is_open?: unknown;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The custom-field answer nests `data` twice; options live deep inside and closed ones are skipped. */
export function gradeOptionsFromField(data: unknown): GradeOption[] {
	const field = (data as { data?: { common_schema_config?: { enum_field_setting?: { enum_field_option_list?: unknown } } } })?.data;
	const list = field?.common_schema_config?.enum_field_setting?.enum_field_option_list;
	if (!Array.isArray(list)) return [];
	return (list as RawOption[])
		.filter((o) => typeof o.api_name === 'string' && o.api_name !== '' && o.is_open !== false)
		.map((o) => {
			const en = text(o.name?.en_us);
			const zh = text(o.name?.zh_cn);
			const apiName = o.api_name as string;
			return {
				value: apiName,
				name: en || zh || apiName,
				aliases: [zh, en].filter((s) => s && s !== (en || zh)),
				description: text(o.description?.en_us) || text(o.description?.zh_cn),
			};
		});
}
