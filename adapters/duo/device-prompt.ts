// Duo's numbered console prompt and `factors` map, built from Auth API v2 `devices[]`. Duo's proxy API
// (/rest/v1/preauth) returns both ready-made; for the Auth API v2 dialect we build them ourselves, in
// the same format, so challenge prompts look the same whichever API a section speaks. Pure.
//
// Format (reference duo-authproxy-behaviour.md §18 fact 5, §19 item 8):
//   Duo two-factor login for alice
//
//   Enter a passcode or select one of the following options:
//
//    1. Duo Push to XXX-XXX-1234
//    2. Phone call to XXX-XXX-1234
//    3. SMS passcodes to XXX-XXX-1234
//
//   Passcode or option (1-3): <- trailing space
// Options go device by device, push then phone then sms; tokens add none. Factor names are pushN,
// phoneN, smsN where N is the device's 1-based position among the phones.

/** One entry of Auth API v2 preauth `devices[]` (tokens carry only device, name and type). */
export interface DuoDevice {
  device: string;
  type: string;
  number?: string;
  name?: string;
  display_name?: string;
  capabilities?: readonly string[];
}

export interface DevicePrompt {
  prompt: string;
  /** `{"default": <first option>, "1": "push1", "2": "phone1", …}`; `{}` when no option exists. */
  factors: Record<string, string>;
}

const METHODS = [
  { capability: 'push', factor: 'push', text: 'Duo Push to' },
  { capability: 'phone', factor: 'phone', text: 'Phone call to' },
  { capability: 'sms', factor: 'sms', text: 'SMS passcodes to' },
] as const;

/** How a device is named in the prompt: `iPhone (XXX-XXX-1234)`, or just the number, or just the name. */
export function deviceLabel(device: Pick<DuoDevice, 'device' | 'name' | 'number' | 'display_name'>): string {
  if (device.display_name) return device.display_name;
  const name = device.name ?? '';
  const number = device.number ?? '';
  if (name && number) return `${name} (${number})`;
  return number || name || device.device;
}

export function buildDevicePrompt(username: string, devices: readonly DuoDevice[]): DevicePrompt {
  const lines: string[] = [];
  const factors: Record<string, string> = {};
  let phoneIndex = 0;
  for (const device of devices) {
    if (device.type !== 'phone') continue;
    phoneIndex += 1;
    const capabilities = new Set(device.capabilities ?? []);
    for (const method of METHODS) {
      if (!capabilities.has(method.capability)) continue;
      const option = lines.length + 1;
      factors[String(option)] = `${method.factor}${phoneIndex}`;
      lines.push(` ${option}. ${method.text} ${deviceLabel(device)}`);
    }
  }
  const head = `Duo two-factor login for ${username}\n\n`;
  if (lines.length === 0) return { prompt: `${head}Enter a passcode: `, factors };
  const first = factors['1'];
  if (first !== undefined) factors['default'] = first;
  const prompt = `${head}Enter a passcode or select one of the following options:\n\n${lines.join('\n')}\n\nPasscode or option (1-${lines.length}): `;
  return { prompt, factors };
}
