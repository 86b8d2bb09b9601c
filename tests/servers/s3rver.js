#!/usr/bin/env node
// s3rver (npm, pinned in package.json) on loopback for the publish tests: an
// S3-compatible server that keeps objects as files under --directory, with one
// bucket made at start. It accepts any SigV4 signature from a known access key,
// so tests/servers/s3_sigv4_proxy.py stands in front of it and checks them.
// Binds 127.0.0.1 on a free port and prints one line, "port=N", once it accepts
// connections; then serves until killed or until its parent goes away.
'use strict';

const { parseArgs } = require('node:util');
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const { values } = parseArgs({
  options: {
    directory: { type: 'string' },
    bucket: { type: 'string' },
    'access-key': { type: 'string' },
    'secret-key': { type: 'string' },
  },
});
for (const name of ['directory', 'bucket', 'access-key', 'secret-key']) {
  if (!values[name]) {
    console.error(`s3rver.js: --${name} is required`);
    process.exit(2);
  }
}

// s3rver refuses unknown access keys (InvalidAccessKeyId) before it would skip
// the signature check, so it has to know ours.
AWSAccount.DUMMY_ACCOUNT.createKeyPair(values['access-key'], values['secret-key']);

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: values.directory,
  configureBuckets: [{ name: values.bucket }],
});

server.run().then(
  (address) => {
    console.log(`port=${address.port}`);
    // The tests stop us by PID; this is for a test binary that died first.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) process.exit(0);
    }, 500).unref();
  },
  (error) => {
    console.error(`s3rver.js: ${error.message}`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => process.exit(0));
