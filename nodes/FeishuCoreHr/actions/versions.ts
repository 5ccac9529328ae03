/** displayOptions for parameters that exist only in some versions of the node (see the node's `version`). */
export const ONLY_VERSION_1 = { '@version': [1] };
export const FROM_VERSION_2 = { '@version': [{ _cnd: { gte: 2 } }] };
