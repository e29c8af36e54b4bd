import radius from 'radius';
import { createHash, createHmac } from 'node:crypto';
const hex = (b: Buffer) => b.toString('hex').replace(/(.{32})/g, '$1\n').trim().split('\n').map(l => l.replace(/(..)/g, '$1 ').trim()).join('\n  ');
const auth = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const secret = 'testing123';
// request with MA (radius puts it last)
const req = radius.encode({ code: 'Access-Request', identifier: 42, secret, authenticator: auth, add_message_authenticator: true,
  attributes: [['User-Name', 'alice'], ['User-Password', 'alicepw'], ['NAS-IP-Address', '127.0.0.1'], ['NAS-Port', 0]] } as any);
console.log('REQ_MA_LAST', hex(req));
const reqPS = radius.encode({ code: 'Access-Request', identifier: 43, secret, authenticator: auth, add_message_authenticator: false,
  attributes: [['User-Name', 'alice'], ['User-Password', 'alicepw'], ['Proxy-State', Buffer.from('ps1')]] } as any);
console.log('REQ_PS_NOMA', hex(reqPS));
const reqNoMa = radius.encode({ code: 'Access-Request', identifier: 44, secret, authenticator: auth, add_message_authenticator: false,
  attributes: [['User-Name', 'bob'], ['User-Password', 'bobpw']] } as any);
console.log('REQ_NOMA', hex(reqNoMa));
const decoded = radius.decode({ packet: req, secret });
const resp = radius.encode({ code: 'Access-Accept', identifier: 42, secret, authenticator: auth, add_message_authenticator: true, attributes: [['Reply-Message', 'Welcome'], ['Class', Buffer.from('grp')]] } as any);
// encode() for a response computes authenticator? check
console.log('RESP', hex(resp));
const rr = radius.encode_response({ packet: decoded, code: 'Access-Accept', secret, attributes: [['Reply-Message', 'Welcome']] } as any);
console.log('RESP_ER', hex(rr), radius.verify_response({ request: req, response: rr, secret }));
const st = radius.encode({ code: 'Status-Server', identifier: 7, secret, authenticator: auth, attributes: [] } as any);
console.log('STATUS', hex(st));
