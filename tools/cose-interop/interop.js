// COSE_Sign1 ES256 with cose-js, an implementation independent of ours (Python, cbor2).
// Reads one JSON request on stdin, writes one JSON answer on stdout:
//   {"op": "verify", "message": hex COSE_Sign1, "x": hex, "y": hex} -> {"payload": hex}
//   {"op": "sign", "payload": hex, "d": hex, "kid": hex}             -> {"message": hex}
// A failed verification answers {"error": "..."} and exits 1.
'use strict';

const cose = require('cose-js');

function readStdin () {
  return new Promise((resolve) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

async function main () {
  const request = JSON.parse(await readStdin());
  if (request.op === 'verify') {
    const key = { key: { x: Buffer.from(request.x, 'hex'), y: Buffer.from(request.y, 'hex') } };
    const payload = await cose.sign.verify(Buffer.from(request.message, 'hex'), key);
    return { payload: Buffer.from(payload).toString('hex') };
  }
  if (request.op === 'sign') {
    const headers = { p: { alg: 'ES256', kid: Buffer.from(request.kid, 'hex') }, u: {} };
    const signer = { key: { d: Buffer.from(request.d, 'hex') } };
    const message = await cose.sign.create(headers, Buffer.from(request.payload, 'hex'), signer);
    return { message: Buffer.from(message).toString('hex') };
  }
  throw new Error('unknown op ' + request.op);
}

main().then(
  (answer) => process.stdout.write(JSON.stringify(answer)),
  (error) => {
    process.stdout.write(JSON.stringify({ error: String(error && error.message) }));
    process.exitCode = 1;
  }
);
