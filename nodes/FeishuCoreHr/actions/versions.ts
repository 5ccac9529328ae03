/** displayOptions for parameters that exist only in some versions of the node (see the node's `version`). */
export const ONLY_VERSION_1 = { '@version': [1] };
export const FROM_VERSION_2 = { '@version': [{ _cnd: { gte: 2 } }] };
/** Versions 1 and 2: fields that start with a value which is written unless changed. */
export const UP_TO_VERSION_2 = { '@version': [{ _cnd: { lte: 2 } }] };
/** Version 3: a value is written only when the user chose it; Search's Split Out is no longer an option. */
export const FROM_VERSION_3 = { '@version': [{ _cnd: { gte: 3 } }] };
