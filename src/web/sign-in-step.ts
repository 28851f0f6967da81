// One helper builds the routes of every step a session passes through, at the bank site and at
// the console (registerStep): the sign-in's enrolment and forced password change directly; the
// one-time code through registerCodeStep (below); the second steps of 利用開始, 利用中止 and
// 利用登録/交換 through registerFlowStep (personal-web/routes/token-flow.ts). One more builds the
// first step, the password form shown before any session exists (registerFirstStep). They do
// what every such route did first — open the request (institution, language), find the live
// session at one of the step's stages (else the login page, or the page that stage must go to),
// and on a POST check the session's CSRF token (else the 403 page) — and hand the step the
// context, the session and the form. Each site says how it does those (its StepSite); each step
// keeps only its form and what it does.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../identity/sessions.js';
import { asFormBody, type FieldErrors, type FormBody, type FormRedisplay } from './form-input.js';
import { sessionCsrfOk } from './site-sessions.js';

/** What a step's context has: the request, and the site's sessions (site-sessions.ts). */
export interface StepContext {
  readonly request: FastifyRequest;
  readonly sessions: { preSessionCsrfOk(body: FormBody): boolean };
}

export interface StepSite<Ctx extends StepContext, Stage extends string> {
  /** The context of a request, or undefined after the site's 404 page was sent. */
  open(request: FastifyRequest, reply: FastifyReply): Promise<Ctx | undefined>;
  /** The session if it is at one of `stages`; otherwise undefined after the site redirected. */
  requireStage(ctx: Ctx, stages: readonly Stage[]): Promise<Session<Stage> | undefined>;
  /** The answer to a form whose CSRF token is missing or wrong. */
  csrfRejected(ctx: Ctx): unknown;
}

export interface Step<Ctx, Stage extends string> {
  /** The GET path of the step, which its form posts to. */
  path: string;
  stages: readonly Stage[];
  /** Where the page (GET) also answers more stages than the form (to send them on): those. */
  showStages?: readonly Stage[];
  /** The step's page (GET). */
  show(ctx: Ctx, session: Session<Stage>): unknown;
  /** The step's form (POST), its CSRF token already checked. */
  submit(ctx: Ctx, session: Session<Stage>, body: FormBody): unknown;
}

export function registerStep<Ctx extends StepContext, Stage extends string>(
  scope: FastifyInstance,
  site: StepSite<Ctx, Stage>,
  step: Step<Ctx, Stage>,
): void {
  const opened = async (request: FastifyRequest, reply: FastifyReply, stages: readonly Stage[]) => {
    const ctx = await site.open(request, reply);
    if (!ctx) return undefined;
    const session = await site.requireStage(ctx, stages);
    return session ? { ctx, session } : undefined;
  };
  scope.get(step.path, async (request, reply) => {
    const at = await opened(request, reply, step.showStages ?? step.stages);
    if (at) await step.show(at.ctx, at.session);
  });
  scope.post(step.path, async (request, reply) => {
    const at = await opened(request, reply, step.stages);
    if (!at) return;
    const body = asFormBody(at.ctx.request.body);
    if (!sessionCsrfOk(at.session, body)) return site.csrfRejected(at.ctx);
    await step.submit(at.ctx, at.session, body);
  });
}

/**
 * The first step of a sign-in (or of a flow that starts with the password): its form is shown
 * before any session exists, so it carries the double-submit token of the pre-session cookie
 * instead of a session's; its POST is refused without it.
 */
export function registerFirstStep<Ctx extends StepContext>(
  scope: FastifyInstance,
  site: Pick<StepSite<Ctx, string>, 'open' | 'csrfRejected'>,
  step: { path: string; submit(ctx: Ctx, body: FormBody): unknown },
): void {
  scope.post(step.path, async (request, reply) => {
    const ctx = await site.open(request, reply);
    if (!ctx) return;
    const body = asFormBody(ctx.request.body);
    if (!ctx.sessions.preSessionCsrfOk(body)) return site.csrfRejected(ctx);
    await step.submit(ctx, body);
  });
}

/** The one-time-code step of a sign-in (src/identity/sign-in-sequence.ts), at either site. */
export interface CodeStep<Ctx, Stage extends string, Checked extends { ok: boolean }> {
  path: string;
  stages: readonly Stage[];
  /** The step's form: as first shown, or again with what was wrong. */
  form(ctx: Ctx, session: Session<Stage>, again?: FormRedisplay): unknown;
  /** The site's reader of the code field, in its words for a code that is not 6 digits. */
  readCode(body: FormBody, errors: FieldErrors): string | undefined;
  /** Checks the code at the authority, under one of the principal's code attempts. */
  check(ctx: Ctx, session: Session<Stage>, code: string): Promise<Checked>;
  /** The code was right: the next step of the sign-in. */
  passed(ctx: Ctx, session: Session<Stage>, checked: Extract<Checked, { ok: true }>): unknown;
  /** The code was refused: the form again with what to say, or undefined after a page of its own. */
  refused(ctx: Ctx, checked: Exclude<Checked, { ok: true }>): Promise<FormRedisplay | undefined>;
}

/**
 * The code step's routes: its form; on POST, a malformed code is the form again (400) and no
 * attempt is taken; any other is checked by the site, then passed or refused.
 */
export function registerCodeStep<Ctx extends StepContext, Stage extends string, Checked extends { ok: boolean }>(
  scope: FastifyInstance,
  site: StepSite<Ctx, Stage>,
  step: CodeStep<Ctx, Stage, Checked>,
): void {
  registerStep(scope, site, {
    path: step.path,
    stages: step.stages,
    show: (ctx, session) => step.form(ctx, session),
    submit: async (ctx, session, body) => {
      const errors: FieldErrors = {};
      const code = step.readCode(body, errors);
      if (code === undefined) return step.form(ctx, session, { status: 400, errors });
      const checked = await step.check(ctx, session, code);
      if (checked.ok) return step.passed(ctx, session, checked as Extract<Checked, { ok: true }>);
      const again = await step.refused(ctx, checked as Exclude<Checked, { ok: true }>);
      if (again) return step.form(ctx, session, again);
    },
  });
}
