// The first decisions of a login, before any call: what a request or a challenge answer leads to
// (reference §8.1-8.2, §8.4, §9.1, §9.3-9.5, §10). Pure; the machine's guards ask these.
import { mapOptionAnswer } from './challenge-answer.ts';
import type { ChallengeSession, LoginMode, LoginOptions } from './login-types.ts';
import { Messages } from './messages.ts';
import { splitForAuto, splitForConcat } from './password-split.ts';
import type { RequestShape } from './radius-attributes.ts';

export type RequestScreen =
  | { next: 'reject'; message: string }
  /** auto: primary auth with the part before the factor first (§8.2 step 3). */
  | { next: 'primarySplit'; passwordPart: string; factor: string | undefined }
  /** primary auth with `password` (whole, or concat's password part). */
  | { next: 'primary'; password: string | undefined; factor: string | undefined }
  /** duo_only: no primary; the whole password is the factor (§10). */
  | { next: 'duo'; factor: string };

export interface ScreenedRequest {
  username: string | undefined;
  password: string | undefined;
  passwordUndecodable: boolean;
  shape: RequestShape;
}

export function screenRequest(mode: LoginMode, options: LoginOptions, req: ScreenedRequest): RequestScreen {
  const reject = (message: string): RequestScreen => ({ next: 'reject', message });
  if (req.passwordUndecodable) return reject(Messages.cannotDecodePassword); // §5.1 step 9, before the handler
  if (req.username === undefined) return reject(Messages.noUsername);
  const password = req.password;
  switch (mode) {
    case 'radius_server_auto': {
      if (req.shape.eap) return reject(Messages.eapNotSupported); // §8.5 out of scope
      if (req.shape.mschapCpw || req.shape.mschap2) return reject(Messages.mschapNotSupported); // §8.6 out of scope
      if (!password) return reject(Messages.missingPassword);
      const split = splitForAuto(password, options.allowConcat, options);
      return split.split
        ? { next: 'primarySplit', passwordPart: split.passwordPart, factor: split.factor }
        : { next: 'primary', password, factor: undefined };
    }
    case 'radius_server_challenge': {
      if (req.shape.mschapCpw) return reject(Messages.mschapNotSupported); // §9.5 out of scope
      if (password === undefined) {
        return reject(req.shape.mschap2 ? Messages.mschapNotSupported : Messages.noPasswordOrChap2);
      }
      // An empty User-Password goes to primary auth as it is (§19.3).
      return { next: 'primary', password, factor: undefined };
    }
    case 'radius_server_duo_only':
      if (!password) return reject(Messages.missingPassword);
      return { next: 'duo', factor: password };
    case 'radius_server_concat': {
      const split = splitForConcat(password, options);
      if (!split.ok) return reject(split.message);
      return { next: 'primary', password: split.password, factor: split.factor };
    }
  }
}

export type AnswerScreen =
  | { next: 'reject'; message: string }
  /** auto passcode challenge: the Duo stage again, preauth included (§8.4 step 2). */
  | { next: 'duo'; factor: string }
  /** challenge mode: straight to /auth with the (mapped) answer (§9.3). */
  | { next: 'auth'; factor: string };

export interface ScreenedAnswer {
  now: number;
  password: string | undefined;
  passwordUndecodable: boolean;
}

export function screenAnswer(session: ChallengeSession, answer: ScreenedAnswer): AnswerScreen {
  const reject = (message: string): AnswerScreen => ({ next: 'reject', message });
  if (answer.passwordUndecodable) return reject(Messages.cannotDecodePassword);
  // The store enforces the lifetime too; this is the machine's own check of its absolute deadline.
  if (answer.now >= session.deadline) return reject(Messages.unknownChallenge);
  switch (session.kind) {
    case 'enroll':
      return reject(Messages.completeEnrollment);
    case 'passcode':
      return answer.password ? { next: 'duo', factor: answer.password } : reject(Messages.missingPassword);
    case 'factors':
      return { next: 'auth', factor: mapOptionAnswer(answer.password, session.factors) };
  }
}
