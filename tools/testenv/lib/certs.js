// @ts-check
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { run } = require('./proc');

/**
 * @typedef {object} CertFiles
 * @property {string} caCert
 * @property {string} caKey
 * @property {string} servingCert
 * @property {string} servingKey
 * @property {string} saKey  service-account signing key (private)
 * @property {string} saPub  service-account verification key (public)
 */

/** @param {string} dir @returns {CertFiles} */
function certFiles(dir) {
  return {
    caCert: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    servingCert: path.join(dir, 'apiserver.crt'),
    servingKey: path.join(dir, 'apiserver.key'),
    saKey: path.join(dir, 'sa.key'),
    saPub: path.join(dir, 'sa.pub'),
  };
}

// Names the serving certificate answers to: loopback, plus the in-cluster names of the
// `kubernetes` Service (10.0.0.1 is the first address of --service-cluster-ip-range).
const SANS = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'IP:10.0.0.1',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[serving]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = ${SANS.join(',')}
authorityKeyIdentifier = keyid
`;

/**
 * Creates (or, when `reuse` is set and they exist, keeps) a CA, a serving certificate for the
 * API server and the service-account key pair, with the openssl CLI. P-256 keys: fast to make.
 * @param {string} dir
 * @param {{ reuse?: boolean, clusterName: string }} opts
 * @returns {Promise<CertFiles>}
 */
async function ensureCerts(dir, opts) {
  const files = certFiles(dir);
  if (opts.reuse && Object.values(files).every(f => fs.existsSync(f))) return files;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cnf = path.join(dir, 'openssl.cnf');
  fs.writeFileSync(cnf, OPENSSL_CONFIG);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (/** @type {string[]} */ args) => run('openssl', args, { cwd: dir, timeoutMs: 30_000 });

  await openssl(['req', '-x509', '-config', cnf, '-extensions', 'ca', ...ec, '-subj', `/CN=egress-testenv-ca-${opts.clusterName}`,
    '-days', '3650', '-keyout', files.caKey, '-out', files.caCert]);
  const csr = path.join(dir, 'apiserver.csr');
  await openssl(['req', '-new', '-config', cnf, ...ec, '-subj', '/CN=kube-apiserver', '-keyout', files.servingKey, '-out', csr]);
  await openssl(['x509', '-req', '-in', csr, '-CA', files.caCert, '-CAkey', files.caKey,
    '-set_serial', `0x${crypto.randomBytes(8).toString('hex')}`, '-days', '3650',
    '-extfile', cnf, '-extensions', 'serving', '-out', files.servingCert]);
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', files.saKey]);
  await openssl(['pkey', '-in', files.saKey, '-pubout', '-out', files.saPub]);
  fs.rmSync(csr);
  return files;
}

module.exports = { ensureCerts };
