// Interop with OpenWallet Foundation's sd-jwt-js (@sd-jwt/core), an
// implementation independent of ours. Driven by protocol/sdjwt/interop_test.go:
// one JSON request on stdin, one JSON answer on stdout.
//
//   {"mode":"verify", "presentation", "issuer_jwk", "nonce", "aud"}
//       → {"claims"}: sd-jwt-js verifies our credential and key binding
//   {"mode":"issue", "nonce", "aud"}
//       → {"issuer_jwk", "presentation", "full"}: sd-jwt-js issues (nested
//         and array-element disclosures, decoys) and presents one household
//         member and one address part with key binding
import { SDJwtInstance } from '@sd-jwt/core';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';

const input = JSON.parse(await new Promise((resolve) => {
  let s = '';
  process.stdin.on('data', (d) => { s += d; });
  process.stdin.on('end', () => resolve(s));
}));

const hasher = (data, alg) => digest(data, alg);

async function instance(issuerPub, issuerPriv, holderPriv) {
  return new SDJwtInstance({
    hasher, hashAlg: 'sha-256', saltGenerator: generateSalt,
    signAlg: 'ES256', signer: issuerPriv ? await ES256.getSigner(issuerPriv) : undefined,
    verifier: issuerPub ? await ES256.getVerifier(issuerPub) : undefined,
    kbSignAlg: 'ES256', kbSigner: holderPriv ? await ES256.getSigner(holderPriv) : undefined,
    kbVerifier: async (data, sig, payload) => (await ES256.getVerifier(payload.cnf.jwk))(data, sig),
  });
}

let out;
if (input.mode === 'verify') {
  const sd = await instance(input.issuer_jwk);
  const res = await sd.verify(input.presentation, { keyBindingNonce: input.nonce, requiredClaimKeys: [] });
  if (!res.kb || res.kb.payload.aud !== input.aud) throw new Error('key binding missing or for another audience');
  out = { claims: res.payload, typ: res.header.typ };
} else if (input.mode === 'issue') {
  const issuer = await ES256.generateKeyPair();
  const holder = await ES256.generateKeyPair();
  const sd = await instance(issuer.publicKey, issuer.privateKey, holder.privateKey);
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'https://sdjwt-js.example/issuer', vct: 'urn:madoguchi:residence-record',
    iat: now, exp: now + 3600, cnf: { jwk: holder.publicKey },
    certificate_number: 'JS-1', name: '佐藤 健二',
    address_parts: { prefecture: '埼玉県', municipality: 'さいたま市浦和区', street: '高砂三丁目15番1号' },
    household_members: [{ name: '佐藤 ハナ' }, { name: '佐藤 健二' }, { name: '佐藤 美咲' }],
  };
  const frame = {
    _sd: ['name', 'address_parts', 'household_members'], _sd_decoy: 3,
    address_parts: { _sd: ['prefecture', 'municipality', 'street'], _sd_decoy: 2 },
    household_members: { _sd: [0, 1, 2], _sd_decoy: 2 },
  };
  const full = await sd.issue(claims, frame, { header: { typ: 'dc+sd-jwt' } });
  const presentation = await sd.present(full,
    { household_members: { 1: true }, address_parts: { prefecture: true } },
    { kb: { payload: { aud: input.aud, nonce: input.nonce, iat: now } } });
  out = { _comment: 'Produced by sd-jwt-js (@sd-jwt/core 0.19.0) via protocol/sdjwt/interop/interop.mjs; make interop-vectors',
    nonce: input.nonce, aud: input.aud, issuer_jwk: issuer.publicKey, presentation, full };
} else {
  throw new Error('unknown mode ' + input.mode);
}
process.stdout.write(JSON.stringify(out));
