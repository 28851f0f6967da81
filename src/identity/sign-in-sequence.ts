// A sign-in, at the bank site and at the console alike, is one sequence of steps, and this is its
// one description:
//
//   password ─┬─ one_time_code ─┐                 (a registered token: its code)
//             ├─ enrolment ─────┤                 (no token, and the site enrols one now)
//             └─────────────────┴─ password_change ─ signed_in
//                                  (only while the site requires a new password)
//
// Each step is a stage of the session that reached it, issued with a new id when the step
// before it is passed (step-up.ts); a page accepts only the stage of its own step
// (src/web/sign-in-step.ts), so no step can be skipped by going to a later page. A site says
// which steps it has and where they are (its SignInSequence); `nextSignInStep` says, from what
// the principal has, which comes next. The passkey, next, stands beside the one-time code.

export type SignInStep = 'password' | 'one_time_code' | 'enrolment' | 'password_change' | 'signed_in';

/** The steps after which the sequence goes on. */
export type PassedStep = 'password' | 'one_time_code' | 'enrolment';

/** Where a step is at a site: the stage its session is at, and its page. */
export interface StepPlace<Stage extends string, Path extends string> {
  stage: Stage;
  path: Path;
}

export interface SignInSequence<Stage extends string, Path extends string> {
  one_time_code: StepPlace<Stage, Path>;
  signed_in: StepPlace<Stage, Path>;
  /** Present where a principal without a token enrols one at sign-in (operators); absent, it goes on without (customers). */
  enrolment?: StepPlace<Stage, Path>;
  /** Present where a new password can be required (customers, after the branch set one). */
  password_change?: StepPlace<Stage, Path> & { required(subject: string): Promise<boolean> };
}

export interface NextStep<Stage extends string, Path extends string> extends StepPlace<Stage, Path> {
  step: Exclude<SignInStep, 'password'>;
}

/** The step after `passed` for a principal that has (or has not) a registered token. */
export async function nextSignInStep<Stage extends string, Path extends string>(
  sequence: SignInSequence<Stage, Path>,
  passed: PassedStep,
  principal: { subject: string; hasToken: boolean },
): Promise<NextStep<Stage, Path>> {
  if (passed === 'password') {
    if (principal.hasToken) return { step: 'one_time_code', ...sequence.one_time_code };
    if (sequence.enrolment) return { step: 'enrolment', ...sequence.enrolment };
  }
  const change = sequence.password_change;
  if (change && (await change.required(principal.subject))) return { step: 'password_change', stage: change.stage, path: change.path };
  return { step: 'signed_in', ...sequence.signed_in };
}
