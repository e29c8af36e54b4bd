// A throw-away certificate authority and a server certificate it signed (CN=localhost,
// SAN DNS:localhost + IP:127.0.0.1), made with the openssl CLI, so TLS clients in tests trust the CA
// file explicitly instead of disabling verification. EC P-256 keys: generated in milliseconds.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runToolOrThrow } from './process.ts';

export interface TestCertificates {
  /** PEM of the CA: what clients pass as `ca`. */
  caFile: string;
  /** PEM of the server certificate (signed by the CA). */
  certFile: string;
  /** PEM (PKCS#8) of the server's private key. */
  keyFile: string;
}

export interface TestCaOptions {
  /** Subject alternative names; default ['DNS:localhost', 'IP:127.0.0.1']. */
  altNames?: readonly string[];
  /** Default 'localhost'. */
  commonName?: string;
  /** Default 2. */
  days?: number;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Writes ca.pem, ca.key, cert.pem and key.pem into `dir`. */
export async function makeTestCertificates(dir: string, opts: TestCaOptions = {}): Promise<TestCertificates> {
  const days = String(opts.days ?? 2);
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const csr = join(dir, 'server.csr');
  const ext = join(dir, 'server.ext');
  await runToolOrThrow('openssl', [
    ...['req', '-x509', ...EC_KEY, '-keyout', caKey, '-out', caFile, '-days', days],
    ...['-subj', `/CN=authproxy test CA ${randomBytes(4).toString('hex')}`],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  await runToolOrThrow('openssl', [
    ...['req', '-new', ...EC_KEY, '-keyout', keyFile, '-out', csr],
    ...['-subj', `/CN=${opts.commonName ?? 'localhost'}`],
  ]);
  await writeFile(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${(opts.altNames ?? ['DNS:localhost', 'IP:127.0.0.1']).join(',')}`,
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'),
  );
  await runToolOrThrow('openssl', [
    ...['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-out', certFile, '-days', days],
    ...['-set_serial', `0x${randomBytes(8).toString('hex')}`, '-extfile', ext],
  ]);
  return { caFile, certFile, keyFile };
}
