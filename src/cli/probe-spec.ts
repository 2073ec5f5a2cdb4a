import { InvalidArgumentError } from 'commander';

/**
 * `--probe`: which probe a command talks to.
 *
 *   usb            the only ST-Link on USB (an error lists them if there are several)
 *   usb:SERIAL     the USB ST-Link with this serial number (a unique prefix is enough)
 *   tcp://HOST:PORT  a probe shared by an stlink-server (swdkit server, swdkit sim, ST's stlink-server)
 *   sim            an in-process virtual STM32F4DISCOVERY, no hardware, no second terminal;
 *   sim:KEY=VALUE,...  with options: state=FILE (flash and option bytes persist in FILE between
 *                  commands), firmware=FILE (in flash at power-on when there is no state yet),
 *                  model=v2-1|v3, power=off, realtime=on (virtual time follows the wall clock),
 *                  uptime=SECONDS (how long the board has been on when the command reaches it; 1),
 *                  and faults: cut-link-after=N / cut-power-after=N (after N probe commands),
 *                  cut-link-at=SECONDS / cut-power-at=SECONDS (at that virtual time)
 *
 * Without --probe the command takes the only USB ST-Link, else a server on 127.0.0.1:7184, else it
 * fails listing what it tried.
 */
export type ProbeSpec =
  | { readonly kind: 'usb'; readonly serial?: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | {
      readonly kind: 'sim';
      readonly state?: string;
      readonly firmware?: string;
      readonly model: 'v2-1' | 'v3';
      readonly powered: boolean;
      readonly realtime?: true;
      readonly uptimeSeconds?: number;
      readonly faults?: SimFaults;
    };

/** Faults to inject into the virtual board (src/sim/board/faults.ts), as the user gives them. */
export interface SimFaults {
  readonly cutLinkAfterCommands?: number;
  readonly cutLinkAtSeconds?: number;
  readonly cutPowerAfterCommands?: number;
  readonly cutPowerAtSeconds?: number;
}

const FAULT_KEYS = {
  'cut-link-after': 'cutLinkAfterCommands',
  'cut-link-at': 'cutLinkAtSeconds',
  'cut-power-after': 'cutPowerAfterCommands',
  'cut-power-at': 'cutPowerAtSeconds',
} as const satisfies Record<string, keyof SimFaults>;

const SIM_KEYS = [
  'state',
  'firmware',
  'model',
  'power',
  'realtime',
  'uptime',
  ...Object.keys(FAULT_KEYS),
] as const;

/** A fault's value: a count of probe commands, or virtual seconds. */
export function parseFaultValue(value: string, unit: 'commands' | 'seconds', where: string): number {
  const n = Number(value);
  const ok =
    value.trim() !== '' &&
    Number.isFinite(n) &&
    n >= 0 &&
    (unit === 'seconds' || (Number.isInteger(n) && /^\d+$/.test(value)));
  if (!ok) {
    throw new InvalidArgumentError(
      `${where}: '${value}' is not ${unit === 'commands' ? 'a number of probe commands (0, 1, 2…)' : 'a virtual time in seconds (e.g. 0.25)'}.`,
    );
  }
  return n;
}

function parseSim(options: string): ProbeSpec {
  let state: string | undefined;
  let firmware: string | undefined;
  let model: 'v2-1' | 'v3' = 'v2-1';
  let powered = true;
  let realtime = false;
  let uptimeSeconds: number | undefined;
  const faults: { -readonly [K in keyof SimFaults]: number } = {};
  for (const pair of options === '' ? [] : options.split(',')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (value === '') {
      throw new InvalidArgumentError(
        `'sim:${options}': '${pair}' needs a value (KEY=VALUE; keys: ${SIM_KEYS.join(', ')}).`,
      );
    }
    switch (key) {
      case 'state':
        state = value;
        break;
      case 'firmware':
        firmware = value;
        break;
      case 'model':
        if (value !== 'v2-1' && value !== 'v3') {
          throw new InvalidArgumentError(`'sim:${options}': model must be v2-1 or v3, not '${value}'.`);
        }
        model = value;
        break;
      case 'power':
        if (value !== 'on' && value !== 'off') {
          throw new InvalidArgumentError(`'sim:${options}': power must be on or off, not '${value}'.`);
        }
        powered = value === 'on';
        break;
      case 'realtime':
        if (value !== 'on' && value !== 'off') {
          throw new InvalidArgumentError(`'sim:${options}': realtime must be on or off, not '${value}'.`);
        }
        realtime = value === 'on';
        break;
      case 'uptime':
        uptimeSeconds = parseFaultValue(value, 'seconds', `'sim:${options}': uptime`);
        break;
      case 'cut-link-after':
      case 'cut-link-at':
      case 'cut-power-after':
      case 'cut-power-at':
        faults[FAULT_KEYS[key]] = parseFaultValue(
          value,
          key.endsWith('-at') ? 'seconds' : 'commands',
          `'sim:${options}': ${key}`,
        );
        break;
      default:
        throw new InvalidArgumentError(
          `'sim:${options}': unknown option '${key}' (keys: ${SIM_KEYS.join(', ')}).`,
        );
    }
  }
  return {
    kind: 'sim',
    model,
    powered,
    ...(state === undefined ? {} : { state }),
    ...(firmware === undefined ? {} : { firmware }),
    ...(realtime ? { realtime } : {}),
    ...(uptimeSeconds === undefined ? {} : { uptimeSeconds }),
    ...(Object.keys(faults).length === 0 ? {} : { faults }),
  };
}

export function parseProbeSpec(value: string): ProbeSpec {
  if (value === 'usb') return { kind: 'usb' };
  if (value.startsWith('usb:')) {
    const serial = value.slice(4);
    if (!/^[0-9A-Za-z]+$/.test(serial)) {
      throw new InvalidArgumentError(`'${value}': a USB serial is letters and digits (see 'swdkit list').`);
    }
    return { kind: 'usb', serial };
  }
  if (value.startsWith('tcp://')) {
    const rest = value.slice(6);
    // [v6addr]:port or host:port
    const match = /^(?:\[([^\]]+)\]|([^:/\s]+)):(\d{1,5})$/.exec(rest);
    const port = Number(match?.[3]);
    const host = match?.[1] ?? match?.[2];
    if (match === null || host === undefined || !(port > 0 && port <= 65535)) {
      throw new InvalidArgumentError(`'${value}' is not tcp://HOST:PORT (e.g. tcp://127.0.0.1:7184).`);
    }
    return { kind: 'tcp', host, port };
  }
  if (value === 'sim') return parseSim('');
  if (value.startsWith('sim:')) return parseSim(value.slice(4));
  throw new InvalidArgumentError(
    `'${value}' is not a probe: use usb, usb:SERIAL, tcp://HOST:PORT or sim (see 'swdkit list').`,
  );
}
