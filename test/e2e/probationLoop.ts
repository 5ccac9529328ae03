/**
 * examples/probation-loop.json run end to end in a real n8n (`n8n start`): imported as a user
 * imports it (only its node types moved to the custom-extension prefix and its credential pointed
 * at the emulator), published, then driven the way Feishu and a manager would drive it:
 *   1. the emulator pushes a signed "probation waiting" event to the trigger's webhook;
 *   2. the execution stops at the Wait node ("waiting"); the form link is read off the message
 *      the workflow built for the manager (`$execution.resumeFormUrl`);
 *   3. the form is fetched and submitted as the browser's form page does (multipart/form-data,
 *      fields `field-<n>` in the form's order);
 *   4. the execution finishes: the final assessment written, the conversion submitted, once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_EVENT_SECRETS, eventCredentialFields, PEOPLE_CASES } from '../../dev/emulator';
import type { AssessmentRecord, Emulator } from '../../dev/emulator/types';
import { CUSTOM_TYPE_PREFIX, PACKAGE_TYPE_PREFIX, emulatorCredential, loadExample, withTypePrefix } from '../../dev/n8n/examples';
import { N8nInstance, REPO_ROOT, freePort, type JsonObject, type N8nInstall } from '../../dev/n8n/runner';
import type { RunScenario } from './scenario';
import { Rest, push, unflatten, webhookRegistered } from './trigger';

export const PROBATION_LOOP_SCENARIO = 'probation loop example: waiting event → manager\'s form → final assessment → conversion submitted';

/** What the manager enters (the form's dropdown offers Approved / Rejected). */
const ANSWERS = { Result: 'Approved', Score: '88', Comment: 'Settled in well; owns the payroll export now — 转正 recommended' };

interface Execution {
	id: string;
	status: string;
	run: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: JsonObject }>> } }>>; error?: { message?: string }; lastNodeExecuted?: string } };
}

async function execution(rest: Rest, id: string): Promise<Execution> {
	const { data } = (await rest.get(`/rest/executions/${id}`)) as { data: { id: string; status: string; data: string } };
	return { id: String(data.id), status: data.status, run: unflatten(data.data) as Execution['run'] };
}

/** Polls (bounded) the workflow's executions until `done` holds for the list. */
async function until(rest: Rest, done: (list: Array<{ id: string; status: string }>) => boolean, what: string): Promise<Array<{ id: string; status: string }>> {
	for (let i = 0; ; i++) {
		const list = await rest.executions();
		if (done(list)) return list;
		if (i >= 120) throw new Error(`${what}: still not so after 60 s: ${JSON.stringify(list)}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

function firstJson(exec: Execution, node: string): JsonObject | undefined {
	return exec.run.resultData.runData[node]?.[0]?.data?.main[0]?.[0]?.json;
}

export async function probationLoopScenario(version: string, install: N8nInstall, emulator: Emulator, scenario: RunScenario, workDir: string): Promise<void> {
	const example = loadExample('probationLoop');
	const workflow = withTypePrefix(example, CUSTOM_TYPE_PREFIX);
	const trigger = workflow.nodes.find((n) => n.type === `${CUSTOM_TYPE_PREFIX}feishuCoreHrTrigger`);
	const form = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.wait');
	const message = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.set');
	if (!trigger || !form || !message) throw new Error('probation-loop.json: expected a Feishu CoreHR Trigger, a Set node and a Wait node');
	const labels = ((form.parameters.formFields as { values: Array<{ fieldLabel: string }> }).values ?? []).map((f) => f.fieldLabel);

	const n8n = new N8nInstance(install, { extensionPackages: [REPO_ROOT], baseDir: workDir });
	const logFile = path.join(workDir, `n8n-probation-loop-${version}.log`);
	let server: Awaited<ReturnType<N8nInstance['start']>> | undefined;
	try {
		await scenario(PROBATION_LOOP_SCENARIO, async (s) => {
			// The example as the file has it: only node types (custom-extension prefix) differ.
			const back = JSON.parse(JSON.stringify(workflow)) as typeof workflow;
			for (const node of back.nodes) if (node.type.startsWith(CUSTOM_TYPE_PREFIX)) node.type = PACKAGE_TYPE_PREFIX + node.type.slice(CUSTOM_TYPE_PREFIX.length);
			s.check(JSON.stringify(back) === JSON.stringify(example), 'the example is imported as the file has it (node types aside)');
			// The example's credential (its id), pointed at the emulator, with the app's event keys.
			const credential = emulatorCredential(emulator.url, emulator.defaultApp);
			await n8n.importCredentials([{ ...credential, data: { ...(credential.data as JsonObject), ...eventCredentialFields() } }]);
			const imported = await n8n.importWorkflows([workflow]);
			if (imported.exitCode !== 0) throw new Error(`import failed: ${imported.stderr}`);
			if (version.startsWith('1.')) throw new Error('this scenario publishes with the 2.x CLI (publish:workflow); 1.x is not covered');
			const published = await n8n.run(['publish:workflow', `--id=${workflow.id}`]);
			s.check(published.exitCode === 0, 'publish:workflow (the Activate toggle)', () => `${published.stdout}\n${published.stderr}`);

			const port = await freePort();
			server = await n8n.start({ port, logFile });
			await server.waitUntilReady();
			const rest = await Rest.owner(server.url);
			rest.workflowId = workflow.id;
			const hookUrl = `http://127.0.0.1:${port}/webhook/${String(trigger.webhookId)}/feishu-corehr`;
			await webhookRegistered(hookUrl);

			emulator.reset();
			const huang = PEOPLE_CASES.leadingZeros;
			const employmentId = huang.current.employmentId;
			const probation = huang.current.probation!;
			const finalId = probation.finalAssessmentId!;
			const before = new Map<string, AssessmentRecord>([...emulator.assessments].map(([id, a]) => [id, { ...a }]));

			// 1. Feishu: the probation becomes "waiting", the event is pushed.
			const pushed = await push(emulator, hookUrl, 'signed', { employment_id: employmentId, status: 'waiting' });
			s.check(pushed.status === 200, `signed "waiting" event for ${huang.localName} (${huang.employeeNumber}, employment ${employmentId}): HTTP 200`, () => `${pushed.status} ${pushed.body}`);

			// 2. The execution waits at the form.
			const waiting = await until(rest, (list) => list.length >= 1 && list.every((e) => e.status !== 'running' && e.status !== 'new'), 'the execution stops');
			s.check(waiting.length === 1 && waiting[0].status === 'waiting', `one execution, status waiting (${waiting.map((e) => `${e.id}:${e.status}`).join(', ')})`);
			const paused = await execution(rest, waiting[0].id);
			s.check(paused.run.resultData.lastNodeExecuted === form.name, `it stopped at "${form.name}" (last node: ${String(paused.run.resultData.lastNodeExecuted)})`);
			const text = String(firstJson(paused, message.name)?.manager_message ?? '');
			const link = /https?:\/\/\S+/.exec(text)?.[0] ?? '';
			s.check(
				link.startsWith(`${server.url}/form-waiting/${paused.id}`) && text.includes(huang.localName) && text.includes(huang.employeeNumber),
				`the manager's message names ${huang.localName} (${huang.employeeNumber}) and holds the form link ${link.replace(/signature=[^&]+/, 'signature=…')}`,
				() => text,
			);

			// 3. The manager opens the link and submits the form, as the form page's script does.
			const page = await fetch(link);
			const html = await page.text();
			s.check(page.status === 200 && html.includes('Probation assessment') && labels.every((l) => html.includes(l)), `GET the link: HTTP 200, the form "Probation assessment" with ${labels.join(', ')}`, () =>
				`${page.status} ${html.slice(0, 500)}`,
			);
			const body = new FormData();
			labels.forEach((label, i) => body.append(`field-${i}`, ANSWERS[label as keyof typeof ANSWERS] ?? ''));
			const submitted = await fetch(link, { method: 'POST', body });
			const answer = await submitted.text();
			s.check(submitted.status === 200, `POST the form (multipart/form-data: Result ${ANSWERS.Result}, Score ${ANSWERS.Score}, Comment): HTTP ${submitted.status}`, () => answer.slice(0, 500));

			// 4. The execution resumes and finishes.
			const finished = await until(rest, (list) => list.length >= 1 && list.every((e) => !['running', 'new', 'waiting'].includes(e.status)), 'the execution finishes');
			const done = await execution(rest, finished[0].id);
			s.check(finished.length === 1 && done.id === paused.id && done.status === 'success', `the same execution finished: ${done.status}`, () =>
				`${JSON.stringify(finished)} ${done.run.resultData.error?.message ?? ''}`,
			);
			const written = firstJson(done, 'Write the final assessment');
			s.check(written?.updated === true && written.assessmentId === finalId && written.employmentId === employmentId, `"Write the final assessment": updated ${finalId}`, () => JSON.stringify(written));

			// Feishu's side.
			const record = emulator.assessments.get(finalId);
			s.check(
				record?.assessment_result === 'approved' && record.assessment_score === 88 && record.assessment_comment === ANSWERS.Comment && record.assessment_status === 'completed' && record.is_final_asssessment === true,
				'the final assessment holds what the manager submitted: approved, 88, the comment; completed, still final',
				() => JSON.stringify(record),
			);
			const patches = emulator.requests.filter((r) => r.endpoint === 'patch');
			s.check(patches.length === 1 && emulator.applyCount(finalId) === 1, `one PATCH, to ${finalId}, applied once`, () => JSON.stringify(patches.map((r) => [r.path, r.body])));
			const changed = [...emulator.assessments.values()].filter((a) => JSON.stringify(a) !== JSON.stringify(before.get(a.assessment_id))).map((a) => a.assessment_id);
			s.check(changed.length === 1 && changed[0] === finalId, 'no other assessment changed', () => changed.join(', '));
			const submits = emulator.requests.filter((r) => r.endpoint === 'submit');
			const submitBody = submits[0]?.body as JsonObject | undefined;
			s.check(
				submits.length === 1 && submits[0].status === 200 && submitBody?.conversion_mode === 2 && submitBody.submission_type === 'hr_submission' && submitBody.notes === ANSWERS.Comment,
				'the conversion submitted once: process (mode 2), HR submission, the comment as notes',
				() => JSON.stringify(submits.map((r) => [r.path, r.status, r.body])),
			);
			const after = emulator.probations.get(employmentId);
			s.check(after?.probation_status === 'pending' && emulator.applyCount(after.probation_id) === 1, `the probation is now pending (in approval), changed once (${String(after?.probation_status)})`);
			s.check(
				emulator.requests.every((r) => r.endpoint !== 'create' && r.endpoint !== 'delete' && r.endpoint !== 'withdraw' && r.endpoint !== 'edit'),
				'nothing else written (no create, delete, withdraw, edit)',
			);

			const log = fs.readFileSync(logFile, 'utf8');
			const secrets = [emulator.defaultApp.appSecret, DEFAULT_EVENT_SECRETS.encryptKey, DEFAULT_EVENT_SECRETS.verificationToken, ...emulator.issuedTokens()];
			s.check(!secrets.some((x) => log.includes(x)), `no App Secret, Encrypt Key, Verification Token or tenant token in the n8n log (${log.split('\n').length} lines)`);
		});
	} finally {
		await server?.stop();
		n8n.cleanup();
	}
}
