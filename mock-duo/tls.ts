// A throw-away CA and a `localhost` server certificate for the standalone mock Duo, made at start.
// Clients trust the CA explicitly (authproxy.cfg `http_ca_certs_file`), never a global TLS bypass.
import { generate } from 'selfsigned';

export interface MockTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export async function generateMockTls(): Promise<MockTls> {
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  const notAfterDate = new Date(Date.now() + 2 * 365 * 24 * 60 * 60 * 1000);
  // selfsigned signs with SHA-1 unless told otherwise (ecosystem.md §7): always sha256.
  const ca = await generate([{ name: 'commonName', value: 'authproxy mock Duo CA' }], {
    algorithm: 'sha256',
    keyType: 'ec',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    algorithm: 'sha256',
    keyType: 'ec',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { caPem: ca.cert, certPem: leaf.cert, keyPem: leaf.private };
}
