// Bus subject names, in one place (design.md "Contract: bus subjects"). Extend, never rename.
export const Subjects = {
  loginRequest: 'authproxy.login.request',
  loginReply: (loginId: string) => `authproxy.login.reply.${loginId}`,
  events: (server: string, loginId: string) => `authproxy.events.${token(server)}.${loginId}`,
  allEvents: 'authproxy.events.>',
} as const;

export const ENGINE_QUEUE = 'engines';

/** A section name as one subject token (NATS tokens cannot contain dots, spaces or wildcards). */
function token(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}
