import type { IExecuteFunctions, ILoadOptionsFunctions, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

/** Every n8n context the node and the trigger call Feishu from (the trigger looks probations up). */
export type FeishuContext = IExecuteFunctions | ILoadOptionsFunctions | IWebhookFunctions | ITriggerFunctions;
