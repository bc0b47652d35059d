import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** Path of the root CA certificate (PEM), for settings that take a CA bundle file (as GigaChat clients do). */
  caFile: string;
  /** The root CA certificate (PEM), for `ca:` options of TLS clients. */
  caPem: string;
  /** The server's private key (PEM), for `FakeHttpServer.start(port, { key, cert })`. */
  serverKey: string;
  /** The server's certificate (PEM) for 127.0.0.1 and localhost, signed by the root CA. */
  serverCert: string;
}

/**
 * A throwaway root CA and a server certificate it signs for `IP:127.0.0.1` and `DNS:localhost`, made with the
 * `openssl` CLI in a temporary directory (or `dir`). Like GigaChat, whose certificate chains to the Russian Trusted
 * Root CA that no default trust store has, a fake served with it is only reachable by a client told to trust `caPem`
 * (or `caFile`): the test proves the app passes its CA through rather than turning verification off.
 * EC P-256 keys keep it fast (tens of milliseconds); nothing prompts.
 */
export function createTestCa(dir: string = mkdtempSync(join(tmpdir(), 'volna-test-ca-'))): TestCa {
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };

  writeFileSync(
    file('ca.ext'),
    [
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  writeFileSync(
    file('server.ext'),
    [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = IP:127.0.0.1, DNS:localhost',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );

  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('ca.key'));
  openssl('req', '-new', '-key', file('ca.key'), '-subj', '/CN=Volna Test Root CA', '-out', file('ca.csr'));
  openssl(
    'x509',
    '-req',
    '-in',
    file('ca.csr'),
    '-signkey',
    file('ca.key'),
    '-days',
    '2',
    '-sha256',
    '-extfile',
    file('ca.ext'),
    '-out',
    file('ca.pem'),
  );

  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('server.key'));
  openssl('req', '-new', '-key', file('server.key'), '-subj', '/CN=127.0.0.1', '-out', file('server.csr'));
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-set_serial',
    `0x${Date.now().toString(16)}`,
    '-days',
    '2',
    '-sha256',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  );

  return {
    caFile: file('ca.pem'),
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    serverKey: readFileSync(file('server.key'), 'utf8'),
    serverCert: readFileSync(file('server.pem'), 'utf8'),
  };
}
