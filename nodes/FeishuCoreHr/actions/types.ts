import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { GradeOption } from '../helpers/grades';
import type { FeishuClient } from '../transport';

/** What the router gives every operation for one run of the node. */
export interface RunContext {
	client: FeishuClient;
	/** The tenant's open grade options, fetched at most once per run; undefined if unreadable. */
	grades(): Promise<GradeOption[] | undefined>;
	/** The user's client token for this item if given, else one derived for this execution and item. */
	clientToken(itemIndex: number, operation: string): string;
}

export interface Operation {
	/** Parameters of this operation, already limited to it by displayOptions. */
	description: INodeProperties[];
	/** Turns one input item into output JSON (several for list operations). */
	execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]>;
}
