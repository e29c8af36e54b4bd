// Duo's connectivity tool texts, word for word (reference §16.4; Duo 4.0.2
// lib/validation/connectivity/connectivity_results.py), including its double spaces. Ours are marked.

export const skippedPrerequisite = (test: string, prereq: string) =>
  `The Auth Proxy did not run the ${test} check because of the problem(s) with the ${prereq} check. Resolve that issue and rerun the tester.`;

export const noTestingForSection = 'No testing to be done for section.';

// ---- Duo ----------------------------------------------------------------------------------------
export const pingOk = (apiHost: string, latencyMs: number) =>
  `The Auth Proxy was able to ping Duo at ${apiHost} with a latency of ${latencyMs} milliseconds.`;
export const pingFailed = (apiHost: string) => `The Auth Proxy was not able to ping Duo at ${apiHost}.`;
export const pingHintNetwork =
  'Please check that the api host is correct and that outgoing HTTPS connections are not blocked, possibly by a firewall.';
export const hintCaCerts =
  "This appears to be because of unreadable or invalid CA certificates passed down by [main]'s http_ca_certs_file configuration option preventing the Auth Proxy from reaching out to Duo. Please refer to any errors above in main's check to fix this and retry.";

export const driftOk = 'The time drift between the Auth Proxy host and Duo is within acceptable limits.';
export const driftHigh = (driftSec: number) =>
  `The time drift between the Auth Proxy host and Duo is excessively high, at ${driftSec} seconds.  This could interfere with user authorizations.  Ensure the Auth Proxy host's time is correct, for instance by enabling NTP.`;
export const driftNoContact = "The Auth Proxy host could not contact Duo to check the time drift between it and Duo's servers.";
/** Duo's MAX_TIME_DRIFT_IN_SECONDS. */
export const MAX_DRIFT_SEC = 60;

export const credentialsOk = 'The Auth Proxy was able to validate the provided API credentials.';
export const credentialsFailed = 'The Auth Proxy was not able to validate the provided API credentials. ';
export const credentialsHint = (apiHost: string, ikey: string) =>
  `Check that the credentials provided for ${apiHost} and ikey ${ikey} are correct.`;

// ---- listening ------------------------------------------------------------------------------------
const where = (iface: string) => iface || 'all interfaces';
export const listenOk = (port: number, iface: string) =>
  `The Auth Proxy will be able to accept connections on port ${port} on ${where(iface)}`;
export const listenInUse = (port: number, iface: string, owner: string, pid: number | undefined) =>
  `The Auth Proxy will not be able to accept connections on port ${port} on ${where(iface)}.  ${port} is already in use by another application: ${owner} running with PID: ${pid ?? 'unknown'}.`;
/** Ours: a bind failure other than "in use" (a privileged port, an address this host does not have). */
export const listenFailed = (port: number, iface: string, reason: string) =>
  `The Auth Proxy will not be able to accept connections on port ${port} on ${where(iface)}.  ${reason}`;
export const listenSkippedProxy = (test: string) =>
  `The Connectivity Tool did not run the ${test} check because the actual Authentication Proxy is using that port. If you need this test to run stop the Auth Proxy and try again.`;
export const UNKNOWN_PROCESS = 'Unknown Process';

// ---- TCP, LDAP ------------------------------------------------------------------------------------
export const connectOk = (host: string, port: number) => `The Auth Proxy was able to establish a connection to ${host}:${port}.`;
export const connectFailed = (host: string, port: number) => `The Auth Proxy was not able to establish a connection to ${host}:${port}.`;
export const ldapConnectOk = (host: string, port: number) => `The Auth Proxy was able to establish an LDAP connection to ${host}:${port}.`;
export const ldapConnectFailed = (host: string, port: number) =>
  `The Auth Proxy was not able to establish an LDAP connection to ${host}:${port}.`;
export const bindOk = (user: string) => `The Auth Proxy was able to bind as ${user}.`;
export const bindFailed = (user: string) => `The Auth Proxy was unable to bind as ${user}.`;
export const bindHintCredentials = 'Please ensure that the provided service account credentials are correct.';
export const bindHintCerts =
  "Please ensure that the provided SSL CA certs file matches what was exported from your domain controller. Check that it is also well-formed and valid by using commands like 'openssl x509' and 'openssl verify', or a utility like the MMC Snap-in or Duo's 'acert.exe'.";
export const searchOk =
  'The Auth Proxy got results searching with its basic user filter.  It will likely be able to find specific users during authentication.';
export const searchNoResults = (searchDn: string, filter: string) =>
  `The Auth Proxy did not get results searching for users in DN ${searchDn} using the filter ${filter}.  It is likely that Duo would not be able to find specific users during authentication.  Please confirm that ${searchDn} is the correct, fully qualified DN and that users should pass the filter.`;
export const searchError = (searchDn: string) => `The Auth Proxy got an error searching the LDAP DN ${searchDn}.`;

// ---- [main] ---------------------------------------------------------------------------------------
export const caCertsOk = (path: string) => `The Auth Proxy was able to validate the SSL certificate data at ${path}.`;
export const caCertsFailed = (path: string) =>
  `The Auth Proxy was not able to validate the SSL certificate at ${path}. Ensure that it is the correct and valid SSL certificate file using commands like 'openssl x509' and 'openssl verify', or a utility like the MMC Snap-in or Duo's 'acert.exe'. If your server cert was signed by a CA, ensure that the entire certificate chain (including the root/CA cert and any intermediate certs in between) is present, with your server cert at the top of the PEM file.`;
/** Ours: Duo's tool always has a bundle (its own conf/ca-bundle.crt); we fall back to Node's roots. */
export const caCertsDefault = "http_ca_certs_file is not set: Duo's certificate is verified against Node's bundled CA roots.";
export const httpProxyOk = (host: string, port: number) =>
  `The Auth Proxy was able to establish a connection to the provided proxy ${host}:${port}.`;
export const httpProxyFailed = (host: string, port: number) =>
  `The Auth Proxy was not able to establish a connection to the provided proxy ${host}:${port}.`;
/** Ours. */
export const httpProxyUnset = 'http_proxy_host is not set: Duo is reached directly.';

// ---- per-section closing lines --------------------------------------------------------------------
export const SectionSummary = {
  main: { ok: 'There are no connectivity problems with the section.', fail: 'There are connectivity problems with the section.' },
  radius_server: { ok: 'The RADIUS Server has no connectivity problems.', fail: 'The RADIUS Server has connectivity problems.' },
  ad_client: { ok: 'The LDAP Client section has no connectivity issues.', fail: 'The LDAP Client section has connectivity problems.' },
  radius_client: { ok: 'The RADIUS Client section has no connectivity issues', fail: 'The RADIUS Client section has connectivity problems' },
  duo_only_client: { ok: noTestingForSection, fail: noTestingForSection },
} as const;
