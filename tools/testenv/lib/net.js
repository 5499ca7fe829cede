// @ts-check
'use strict';

const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const { sleep } = require('./proc');

/** A TCP port on 127.0.0.1 that is free right now (the caller retries if it is taken before use). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * One HTTP(S) request with a short timeout; never throws for HTTP status codes.
 * @param {string} url
 * @param {{ ca?: string | Buffer, token?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<{ status: number, body: string }>}
 */
function request(url, opts = {}) {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    const headers = opts.token ? { Authorization: `Bearer ${opts.token}` } : undefined;
    const req = lib.get(url, { ca: opts.ca, headers, timeout: opts.timeoutMs ?? 3000 }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout requesting ${url}`)));
    req.on('error', reject);
  });
}

/**
 * Polls `check` until it returns true; `abort` may throw to fail early (for example when the
 * process we wait for has died). Rejects after `timeoutMs` with the last error seen.
 * @param {string} what
 * @param {() => Promise<boolean>} check
 * @param {{ timeoutMs: number, intervalMs?: number, abort?: () => void }} opts
 */
async function waitFor(what, check, opts) {
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  for (;;) {
    opts.abort?.();
    try {
      if (await check()) return;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${opts.timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    }
    await sleep(opts.intervalMs ?? 100);
  }
}

module.exports = { freePort, request, waitFor };
