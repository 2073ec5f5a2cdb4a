import { u32le } from '../util/bytes.js';
import type { CliIo } from './context.js';
import type { Output } from './output.js';

/**
 * The STM32F4DISCOVERY's four user LEDs (UM1472, LEDs: LD4 green PD12, LD3 orange PD13, LD5 red
 * PD14, LD6 blue PD15; lit while the pin is high), watched through the probe by reading GPIOD_IDR —
 * the pins' levels — so the same display works on a real board and on the virtual one.
 */
export const DISCOVERY_LEDS = [
  { name: 'green', pin: 12, ansi: '32' },
  { name: 'orange', pin: 13, ansi: '33' },
  { name: 'red', pin: 14, ansi: '31' },
  { name: 'blue', pin: 15, ansi: '34' },
] as const;

export type LedName = (typeof DISCOVERY_LEDS)[number]['name'];
export type Leds = Readonly<Record<LedName, boolean>>;

/** GPIOD (RM0090 2.3: 0x40020C00) + GPIOx_IDR (RM0090 8.4.5: offset 0x10). */
export const GPIOD_IDR = 0x4002_0c10;

export function ledsOf(idr: number): Leds {
  const on = (pin: number): boolean => ((idr >>> pin) & 1) === 1;
  return { green: on(12), orange: on(13), red: on(14), blue: on(15) };
}

/** `● green  ○ orange  ○ red  ○ blue`, in colour on a terminal. */
export function ledLine(leds: Leds, colour: boolean): string {
  return DISCOVERY_LEDS.map(({ name, ansi }) => {
    const lit = leds[name];
    const text = `${lit ? '●' : '○'} ${name}`;
    if (!colour) return text;
    return lit ? `\x1b[1;${ansi}m${text}\x1b[0m` : `\x1b[2m${text}\x1b[0m`;
  }).join('  ');
}

export interface WatchLedsOptions {
  readonly seconds: number;
  /** How often GPIOD_IDR is read, ms (blinky changes every 250 ms). */
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface LedWatch {
  /** LED states seen, with the time (s since the watch began) each was first seen. */
  readonly changes: readonly { readonly t: number; readonly leds: Leds }[];
}

const same = (a: Leds, b: Leds): boolean => DISCOVERY_LEDS.every(({ name }) => a[name] === b[name]);

/**
 * Shows the LEDs for `seconds`: on a terminal one line redrawn in place; otherwise a line per change;
 * with --json a `leds` event per change.
 */
export async function watchLeds(
  read: (address: number, length: number) => Promise<Uint8Array>,
  output: Output,
  io: CliIo,
  options: WatchLedsOptions,
): Promise<LedWatch> {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = options.pollMs ?? 20;
  const tty = !output.json && io.stdout.isTTY === true;
  const start = now();
  const changes: { t: number; leds: Leds }[] = [];
  let last: Leds | undefined;
  let drawn = '';
  for (;;) {
    const elapsed = (now() - start) / 1000;
    const leds = ledsOf(u32le(await read(GPIOD_IDR, 4), 0));
    const changed = last === undefined || !same(last, leds);
    if (changed) {
      changes.push({ t: elapsed, leds });
      if (!tty) {
        output.event(
          { event: 'leds', t: Number(elapsed.toFixed(3)), ...leds },
          () => `leds ${elapsed.toFixed(2).padStart(6)} s  ${ledLine(leds, false)}`,
        );
      }
    }
    last = leds;
    const line = `LEDs  ${ledLine(leds, true)}   ${elapsed.toFixed(1)} s`;
    if (tty && line !== drawn) io.stdout.write(`\r${line}\x1b[K`);
    drawn = line;
    if (elapsed >= options.seconds) break;
    await sleep(Math.min(pollMs, Math.max(0, options.seconds * 1000 - (now() - start))));
  }
  if (tty) io.stdout.write('\n');
  return { changes };
}
