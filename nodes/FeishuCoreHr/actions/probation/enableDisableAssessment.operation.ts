import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { toOptions } from '../../helpers/choices';
import { InvalidInputError, isBlank, parseHttpUrl } from '../../helpers/parse';
import type { RequestFailure } from '../../../shared/transport';
import { requestFailure } from '../../../shared/transport';
import type { AssessmentFeatureData } from '../../../shared/transport/endpoints';
import { probation, send } from '../../../shared/transport/endpoints';
import { ALREADY_IN_STATE_CODE } from '../../../shared/feishu/errors';
import { writeResult } from '../probationAssessment/shared';
import { optionsProperty } from '../requestOptions';
import type { Operation, RunContext } from '../types';
import { ASSESSMENT_FEATURE_STATES, parseLooseChoice } from './lifecycle';

const STATE_LABEL = 'Assessment Feature';
const APP_URL_LABEL = 'Assessment App URL';

const properties: INodeProperties[] = [
	{
		displayName: STATE_LABEL,
		name: 'assessmentFeature',
		type: 'options',
		allowArbitraryValues: true,
		options: toOptions(ASSESSMENT_FEATURE_STATES).map((o) => ({
			...o,
			description: `${o.value === 'enable' ? 'Show' : 'Hide'} the assessment fields in Feishu's probation management, for the whole tenant`,
		})),
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- 'enable' is in ASSESSMENT_FEATURE_STATES
		default: 'enable',
		description: "Switches Feishu's probation assessment feature for every employee of the tenant, not for one probation",
	},
	{
		// Shown whatever the switch says: an expression may decide it per run.
		displayName: APP_URL_LABEL,
		name: 'appUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://hr.example.com/probation-assessments',
		description: "Link to your assessment system's entry page, which Feishu shows with the probation",
		hint: 'Required to enable; not sent when disabling',
	},
	optionsProperty(),
];

export const description = updateDisplayOptions({ show: { resource: ['probation'], operation: ['enableDisableAssessment'] } }, properties);

function readItem(ctx: IExecuteFunctions, itemIndex: number): { active: boolean; appUrl?: string } {
	const active = parseLooseChoice(STATE_LABEL, ctx.getNodeParameter('assessmentFeature', itemIndex), ASSESSMENT_FEATURE_STATES) === 'enable';
	if (!active) return { active };
	const raw = ctx.getNodeParameter('appUrl', itemIndex, '');
	if (isBlank(raw)) {
		throw new InvalidInputError(APP_URL_LABEL, raw, "Give the link to your assessment system's entry page, e.g. https://hr.example.com/probation-assessments.", 'is required to enable the assessment feature but empty');
	}
	return { active, appUrl: parseHttpUrl(APP_URL_LABEL, raw) };
}

function stateWord(active: boolean): string {
	return active ? 'enabled' : 'disabled';
}

/**
 * 1161025 is an idempotent success, not a failure: the item asked for a state and the tenant is
 * in it. Failing would stop a workflow (or send the item to the error output) over nothing to fix,
 * and make a setup workflow fail when run twice. The output says plainly that nothing changed —
 * and, when enabling, that Feishu kept the link it had, which a new App URL does not replace.
 */
function alreadyInState(asked: { active: boolean; appUrl?: string }, failure: RequestFailure, msg: unknown): IDataObject {
	const state = stateWord(asked.active);
	const urlKept = asked.active ? ' Feishu keeps the App URL it already had; to replace it, disable the feature and enable it again with the new one.' : '';
	// With no client token, a retry after a lost answer meets the state that lost attempt set.
	const note = failure.uncertainEarlierAttempt
		? `The answer to an earlier attempt was lost, and the retry found the feature already ${state}: either that attempt ${state} it, or it already was. Either way it is ${state} now.${urlKept}`
		: `The assessment feature was already ${state}; nothing changed.${urlKept}`;
	return {
		...asked,
		assessmentFeature: state,
		changed: failure.uncertainEarlierAttempt ? null : false,
		alreadyInState: failure.uncertainEarlierAttempt ? null : true,
		note,
		code: failure.code,
		msg: typeof msg === 'string' ? msg : null,
		logId: failure.logId,
	};
}

async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<IDataObject[]> {
	const asked = readItem(this, itemIndex);
	const data: AssessmentFeatureData = asked.active ? { active: true, app_url: asked.appUrl } : { active: false };
	// Feishu's switch takes no client token. "Already in that state" is the state asked for: an answer, not a failure.
	return await send(run.client, probation.enableDisableAssessment.request({ data }, itemIndex)).then(
		(response) => [{ ...asked, assessmentFeature: stateWord(asked.active), changed: true, alreadyInState: false, ...writeResult(response) }],
		(error: unknown) => {
			const failure = requestFailure(error);
			if (failure?.code !== ALREADY_IN_STATE_CODE) throw error;
			const details = (error as { errorResponse?: { msg?: unknown } }).errorResponse;
			return [alreadyInState(asked, failure, details?.msg)];
		},
	);
}

export const enableDisableAssessment: Operation = { description, execute };
