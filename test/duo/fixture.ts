// The mock Duo fixture the client's integration tests and bench share.
import type { FixtureInput } from '../../mock-duo/index.ts';

export const IKEY = 'DIWJ8X6AEYOR5OMC6TQ1';
export const SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';

export const BOB_PHONE2 = 'DP22222222222222222B';

export function duoFixture(apiHost: string): FixtureInput {
  const allCaps = ['auto', 'push', 'phone', 'sms', 'mobile_otp'] as const;
  return {
    integrations: [{ ikey: IKEY, skey: SKEY, api_host: apiHost }],
    new_user_policy: 'enroll',
    push_timeout_ms: 300,
    users: {
      alice: {
        devices: [{ type: 'phone', number: 'XXX-XXX-1234', capabilities: [...allCaps] }],
        passcodes: ['123456'],
      },
      bob: {
        devices: [
          { id: 'DP11111111111111111B', type: 'phone', number: 'XXX-XXX-1111', capabilities: ['push', 'phone', 'sms'] },
          { id: 'DH33333333333333333B', type: 'token', name: '20361492' },
          { id: BOB_PHONE2, type: 'phone', number: 'XXX-XXX-2222', capabilities: ['phone', 'sms'] },
        ],
      },
      carol: { devices: [{ type: 'phone', number: 'XXX-XXX-3333', push: 'deny' }] },
      dave: { devices: [{ type: 'phone', number: 'XXX-XXX-4444', push: 'timeout' }] },
      slow: { devices: [{ type: 'phone', number: 'XXX-XXX-5555', after_ms: 60_000 }] },
      byp: { status: 'bypass' },
      locked: { status: 'locked_out' },
    },
  };
}

/** Reference §18 fact 5. */
export const ALICE_PROMPT =
  'Duo two-factor login for alice\n\nEnter a passcode or select one of the following options:\n\n 1. Duo Push to XXX-XXX-1234\n 2. Phone call to XXX-XXX-1234\n 3. SMS passcodes to XXX-XXX-1234\n\nPasscode or option (1-3): ';
export const ALICE_FACTORS = { default: 'push1', '1': 'push1', '2': 'phone1', '3': 'sms1' };

export const BOB_PROMPT =
  'Duo two-factor login for bob\n\nEnter a passcode or select one of the following options:\n\n 1. Duo Push to XXX-XXX-1111\n 2. Phone call to XXX-XXX-1111\n 3. SMS passcodes to XXX-XXX-1111\n 4. Phone call to XXX-XXX-2222\n 5. SMS passcodes to XXX-XXX-2222\n\nPasscode or option (1-5): ';
export const BOB_FACTORS = { default: 'push1', '1': 'push1', '2': 'phone1', '3': 'sms1', '4': 'phone2', '5': 'sms2' };
