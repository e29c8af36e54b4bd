// [main] settings Duo copies into every server section, replacing the section's own (reference §2):
// http_ca_certs_file, and http_proxy_host with http_proxy_port. buildServer does the same; this reports a
// section value that is thereby read and never used, so no option is silently ignored (issue 11 §3).
import type { ProblemList } from './problems.ts';
import type { ReadSection } from './section-reader.ts';
import type { MainConfig } from './types.ts';

/** `inheritedLines`: the lines of [DEFAULT]'s keys, which every section inherits: not the section's own. */
export function checkMainOverrides(main: MainConfig, servers: readonly ReadSection[], inheritedLines: ReadonlySet<number>, problems: ProblemList): void {
  const replaced: [option: string, byMain: boolean, why: string][] = [
    ['http_ca_certs_file', main.httpCaCertsFile !== undefined, '[main] http_ca_certs_file is copied into every server section (as in Duo\'s proxy) and replaces this one; set the CA bundle in one place'],
    ['http_proxy_host', main.httpProxyHost !== '', '[main] http_proxy_host and http_proxy_port are copied into every server section (as in Duo\'s proxy) and replace these; remove them here, or [main]\'s to give each section its own'],
    ['http_proxy_port', main.httpProxyHost !== '', '[main] http_proxy_host and http_proxy_port are copied into every server section (as in Duo\'s proxy) and replace these; remove them here, or [main]\'s to give each section its own'],
  ];
  for (const read of servers)
    for (const [option, byMain, why] of replaced) {
      const v = read.values.get(option);
      if (byMain && v !== undefined && !inheritedLines.has(v.line)) problems.inert({ line: v.line, section: read.name, option: v.key }, why);
    }
}
