import fc from 'fast-check';
import { splitReplyMessage, clampReplyMessage } from '../machines/reply.ts';
let t = performance.now();
const samples = fc.sample(fc.string({ unit: 'binary', maxLength: 1200 }), 100);
console.log('gen', performance.now() - t);
t = performance.now();
for (const s of samples) { splitReplyMessage(s); clampReplyMessage(s); }
console.log('split', performance.now() - t);
