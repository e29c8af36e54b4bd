// The State attribute of an Access-Challenge (reference §9.4): base64 of 33 random bytes, i.e. 44
// ASCII characters without padding, unguessable and unique among live challenges.
import { randomBytes } from 'node:crypto';

export function newChallengeState(): string {
  return randomBytes(33).toString('base64');
}
