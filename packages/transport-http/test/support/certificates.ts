// Self-signed test PKI made with the `openssl` CLI in a temp dir: a CA, a server certificate for
// 127.0.0.1 signed by it, a client certificate for mutual TLS, an unrelated CA, and a server
// certificate for another host name. `undefined` when openssl is not installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  ca: string;
  otherCa: string;
  serverCert: string;
  serverKey: string;
  /** Signed by `ca` but only for `DNS:elsewhere.invalid`. */
  wrongHostCert: string;
  wrongHostKey: string;
  clientCert: string;
  clientKey: string;
}

export function openSslAvailable(): boolean {
  const probe = spawnSync('openssl', ['version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'trace-transport-http-'));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=trace test CA');
    openssl('req', '-x509', ...ec, '-keyout', file('other.key'), '-out', file('other.crt'), '-days', '2', '-subj', '/CN=unrelated CA');
    const issue = (name: string, subject: string, extensions: string): void => {
      writeFileSync(file(`${name}.ext`), extensions);
      openssl('req', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
      openssl(
        'x509',
        '-req',
        '-in',
        file(`${name}.csr`),
        '-CA',
        file('ca.crt'),
        '-CAkey',
        file('ca.key'),
        '-set_serial',
        String(Math.floor(Math.random() * 1e9)),
        '-days',
        '2',
        '-extfile',
        file(`${name}.ext`),
        '-out',
        file(`${name}.crt`),
      );
    };
    issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    issue('wronghost', '/CN=elsewhere.invalid', 'subjectAltName=DNS:elsewhere.invalid\nextendedKeyUsage=serverAuth\n');
    issue('client', '/CN=trace-client', 'extendedKeyUsage=clientAuth\n');
    const read = (name: string): string => readFileSync(file(name), 'utf8');
    return {
      ca: read('ca.crt'),
      otherCa: read('other.crt'),
      serverCert: read('server.crt'),
      serverKey: read('server.key'),
      wrongHostCert: read('wronghost.crt'),
      wrongHostKey: read('wronghost.key'),
      clientCert: read('client.crt'),
      clientKey: read('client.key'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
