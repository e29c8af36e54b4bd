// One shape for every configuration problem, and the one function that prints it
// (design.md "Contract: CLI": `FILE:LINE [section] option: what is wrong; how to fix`).
// A message never contains the value of a secret option: builders below take names, not values.

/** A notice is an option accepted for compatibility that has no effect here: reported with the
 *  warnings (never stops anything), printed without the `warning: ` prefix. */
export type Severity = 'error' | 'warning' | 'notice';

export interface Problem {
  file: string;
  /** 1-based line; 0 when the problem concerns the whole file. */
  line: number;
  /** Section name as written in the file; '' for file-level problems. */
  section: string;
  /** Option name (lowercased key); '' for section- or file-level problems. */
  option: string;
  severity: Severity;
  /** What is wrong; Duo's wording where the reference gives one. */
  message: string;
  /** How to fix it, concretely. */
  fix: string;
}

/** Prints a problem on one line; any newline in a message is folded into a space. A warning's message
 *  starts with `warning: ` (compiler style); an error's is printed as is. */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}` : p.file;
  const section = p.section ? ` [${p.section}]` : '';
  const option = p.option ? ` ${p.option}:` : ':';
  const message = p.severity === 'warning' ? `warning: ${p.message}` : p.message;
  const text = p.fix ? `${message}; ${p.fix}` : message;
  return `${where}${section}${option} ${text}`.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Where a problem is, without its file (the file is added once, by the collector). */
export interface At {
  line: number;
  section: string;
  option?: string;
}

/** Collects problems of one run; never stops at the first. */
export class ProblemList {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  constructor(readonly file: string) {}

  error(at: At, message: string, fix: string): void {
    this.errors.push(this.make(at, 'error', message, fix));
  }

  warn(at: At, message: string, fix: string): void {
    this.warnings.push(this.make(at, 'warning', message, fix));
  }

  /** An option read for compatibility that changes nothing here (config/options.ts `noEffect`). */
  inert(at: At, why: string): void {
    this.warnings.push(this.make(at, 'notice', msg.noEffect, why));
  }

  /** Errors and warnings together, sorted by line (stable), for printing. */
  all(): Problem[] {
    return [...this.errors, ...this.warnings].sort((a, b) => a.line - b.line);
  }

  private make(at: At, severity: Severity, message: string, fix: string): Problem {
    return { file: this.file, line: at.line, section: at.section, option: at.option ?? '', severity, message, fix };
  }
}

/** Replaces any secret value in a message or fix by ***: a second guard, for a secret pasted into a key
 *  that is not secret (client = <the secret of a duplicate section>). Secrets of 4 characters or more
 *  wherever they appear; shorter ones (which would match ordinary words) where a value is quoted. */
export function redactProblems(problems: readonly Problem[], secrets: readonly string[]): Problem[] {
  const all = [...new Set(secrets.flatMap((s) => s.split('\n')).map((s) => s.trim()))].filter((s) => s !== '');
  const parts = all.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  const short = all.filter((s) => s.length < 4).flatMap((s) => [`'${s}'`, `[${s}]`]);
  if (all.length === 0) return [...problems];
  const scrub = (text: string) => [...parts, ...short].reduce((t, s) => t.split(s).join(s.startsWith('[') ? '[***]' : s.startsWith("'") ? "'***'" : '***'), text);
  return problems.map((p) => ({ ...p, message: scrub(p.message), fix: scrub(p.fix) }));
}

// Duo's message texts (reference §2 "Typed getters", §16.2), shared so every check words them alike.
export const msg = {
  missing: (key: string) => `A required configuration item is missing: ${key}`,
  invalid: (key: string) => `The ${key} value provided is invalid.`,
  unexpected: (key: string) => `An unexpected configuration item was found: ${key}`,
  noEffect: 'accepted for compatibility, has no effect here',
  roleNeedsNats: (role: string) => `role ${role} needs nats_url: listeners and engines of separate processes meet on NATS`,
  notInteger: (key: string) => `Invalid value for configuration item: '${key}' must be an integer`,
  notBoolean: (key: string) => `Invalid value for configuration item: '${key}' must be a boolean value`,
  notOneOf: (key: string, values: readonly string[]) =>
    `Invalid value for configuration item: '${key}' must be one of ${values.map((v) => `'${v}'`).join(', ')}`,
  incompatible: (a: string, b: string) =>
    `The following keys should not be used at the same time: ${a}, ${b}. Please pick just one.`,
  unpaired: (needed: string, given: string) => `${needed} must be provided when specifying ${given}`,
  ineffective: (key: string, section: string, condition: string) =>
    `${key} in section [${section}] has no effect when ${condition}`,
  unmappedClient: (client: string, section: string) =>
    `The client name '${client}' could not be mapped to a valid client configuration for the [${section}] section.`,
  noClient: (section: string) => `Neither module ${section} or main has "client" value`,
} as const;
