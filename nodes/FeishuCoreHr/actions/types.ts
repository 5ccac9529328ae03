import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { GradeOption } from '../helpers/grades';
import type { FeishuClient } from '../transport';

/** What the router gives every operation for one run of the node. */
export interface RunContext {
	client: FeishuClient;
	/** The tenant's open grade options, fetched at most once per run; undefined if unreadable. */
	grades(): Promise<GradeOption[] | undefined>;
	/**
	 * The client token for this item's write: the user's if given (refused if this run already
	 * used it for a different request), else one derived from the run, the item and the request.
	 */
	clientToken(itemIndex: number, request: { method: string; path: string; body: unknown }): string;
}

export interface Operation {
	/** Parameters of this operation, already limited to it by displayOptions. */
	description: INodeProperties[];
	/** Turns one input item into output JSON (several for list operations). */
	execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]>;
}
