import { CortexM } from '../arm/cortex-m.js';
import { WALL_CLOCK, type Clock } from '../arm/debug-access.js';
import { DEBUG_REG, DEMCR, DHCSR } from '../arch/armv7m/debug.js';
import type { StLink } from '../probe/stlink.js';
import { STLINK_MODE } from '../protocol/opcodes.js';
import { SWD_DEFAULT_KHZ } from '../protocol/speed.js';
import type { ChipInfo } from '../target/identify.js';
import type { SwdkitError } from '../util/errors.js';
import { TargetError, asSwdkitError } from '../util/errors.js';
import { DebugHold } from './debug-hold.js';
import { describeChip, matchChip } from './identify-chip.js';
import type { ConnectAttempt, ConnectOptions, ConnectReport, ConnectStrategy } from './types.js';

export const DEFAULT_SPEED_KHZ = 4000;
/** The ladder's slower clock: long or noisy wires often work at 100 kHz. */
export const SLOW_SPEED_KHZ = 100;
/** Below this the target is taken as unpowered: an STM32 needs 1.8 V (1.7 V with PDR off). */
export const MIN_TARGET_VOLTS = 1.5;
/** How long a core released from reset may take to halt at the vector, ms. */
const RESET_HALT_TIMEOUT_MS = 200;

export interface Connected {
  readonly core: CortexM;
  readonly chip: ChipInfo;
  readonly hold: DebugHold;
  readonly report: ConnectReport;
  readonly clock: Clock;
}

type Method = ConnectAttempt['method'];

/** The attempts a strategy makes, in order. */
function ladder(
  strategy: ConnectStrategy,
  speedKHz: number,
  canSetSpeed: boolean,
): { method: Method; speedKHz: number }[] {
  switch (strategy) {
    case 'normal':
      return [{ method: 'normal', speedKHz }];
    case 'under-reset':
      return [{ method: 'under-reset', speedKHz }];
    case 'attach':
      return [{ method: 'attach', speedKHz }];
    case 'auto':
      return [
        { method: 'normal', speedKHz },
        // A probe whose clock is fixed (V2 before J22) would only repeat the first attempt.
        ...(canSetSpeed && speedKHz > SLOW_SPEED_KHZ
          ? [{ method: 'slow-clock' as const, speedKHz: SLOW_SPEED_KHZ }]
          : []),
        { method: 'under-reset', speedKHz },
      ];
  }
}

/**
 * Connects to the target through `stlink` by `options.strategy` (default auto: normal, then a
 * slower clock, then under reset), after checking that the target is powered. Returns the core, the
 * chip, the held debug bits and a report of every attempt. Failures that another attempt cannot fix
 * (no power, a probe that went away, an unknown chip) end the ladder at once.
 */
export async function connectTarget(stlink: StLink, options: ConnectOptions = {}): Promise<Connected> {
  const clock: Clock = { sleep: options.sleep ?? WALL_CLOCK.sleep, now: options.now ?? WALL_CLOCK.now };
  const speed = options.speedKHz ?? DEFAULT_SPEED_KHZ;
  const targetVolts = await measureVolts(stlink);
  const attempts: ConnectAttempt[] = [];
  let lastError: SwdkitError | undefined;
  const canSetSpeed = stlink.canSetSwdFrequency;
  // The clock in use: what the probe was set to, or its fixed clock.
  const clockOf = (asked: number): number =>
    stlink.swdFrequencyKHz ?? (canSetSpeed ? asked : SWD_DEFAULT_KHZ);
  for (const step of ladder(options.strategy ?? 'auto', speed, canSetSpeed)) {
    try {
      const done = await attempt(stlink, step.method, step.speedKHz, clock);
      const speedKHz = clockOf(step.speedKHz);
      attempts.push({ method: step.method, speedKHz, ok: true });
      const explanation = explain(attempts);
      const report: ConnectReport = {
        method: step.method,
        speedKHz,
        attempts,
        ...(explanation === undefined ? {} : { explanation }),
        targetVolts,
        coreWasHalted: done.coreWasHalted,
      };
      return { core: done.core, chip: done.chip, hold: done.hold, report, clock };
    } catch (thrown) {
      const error = asSwdkitError(thrown);
      await abandon(stlink, step.method);
      if (!retryable(error)) throw error;
      lastError = error;
      attempts.push({
        method: step.method,
        speedKHz: clockOf(step.speedKHz),
        ok: false,
        error: { code: error.code, message: error.message },
      });
    }
  }
  throw new ConnectFailedError(attempts, lastError);
}

async function measureVolts(stlink: StLink): Promise<number> {
  if (!stlink.features.hasTargetVoltage) return Number.NaN;
  const volts = await stlink.targetVoltage();
  if (volts < MIN_TARGET_VOLTS) {
    throw new TargetError(
      'no-target-power',
      `the target is not powered: the probe measures ${volts.toFixed(2)} V on its VDD (VTref) pin`,
      {
        hint: 'Power the board (its USB cable or supply; on a Discovery the JP1 jumper must be fitted) and check that the probe’s VDD pin is wired to the target’s supply.',
      },
    );
  }
  return volts;
}

/** Errors worth the next rung: the target did not answer or would not halt. */
function retryable(error: SwdkitError): boolean {
  if (error.errorClass !== 'target' && error.errorClass !== 'timeout') return false;
  return !['target.unknown-chip', 'target.flash-size-invalid', 'target.no-target-power'].includes(error.code);
}

interface AttemptResult {
  readonly core: CortexM;
  readonly chip: ChipInfo;
  readonly hold: DebugHold;
  readonly coreWasHalted: boolean;
}

async function attempt(
  stlink: StLink,
  method: Method,
  speedKHz: number,
  clock: Clock,
): Promise<AttemptResult> {
  const underReset = method === 'under-reset';
  await stlink.enterSwd({ frequencyKHz: speedKHz, ...(underReset ? { connectUnderReset: true } : {}) });
  const core = new CortexM(stlink, { clock });
  const identity = await core.identify();
  const match = await matchChip(stlink, identity);
  if (underReset) {
    // Everything is set up while NRST holds the chip: debug enabled, halt requested, the reset
    // vector caught, DBGMCU set (RM0090 §38.16.3 allows it in reset). Then the release: the core
    // stops before the reset handler's first instruction.
    const demcr = (await stlink.read32(DEBUG_REG.DEMCR)) >>> 0;
    await stlink.writeDebugRegister(DEBUG_REG.DHCSR, DHCSR.DBGKEY | DHCSR.C_DEBUGEN | DHCSR.C_HALT);
    await stlink.write32(DEBUG_REG.DEMCR, (demcr | DEMCR.VC_CORERESET) >>> 0);
    const hold = await DebugHold.apply(stlink, match.chip.debugHold);
    await core.clearHaltReason();
    await stlink.driveNrst('high');
    await core.waitForHalt(RESET_HALT_TIMEOUT_MS);
    const now = (await stlink.read32(DEBUG_REG.DEMCR)) >>> 0;
    await stlink.write32(DEBUG_REG.DEMCR, ((now & ~DEMCR.VC_CORERESET) | (demcr & DEMCR.VC_CORERESET)) >>> 0);
    const chip = await describeChip(stlink, match);
    return { core, chip, hold, coreWasHalted: false };
  }
  const coreWasHalted = await core.isHalted();
  if (method === 'attach') await core.enableDebug();
  else await core.halt();
  const chip = await describeChip(stlink, match);
  const hold = await DebugHold.apply(stlink, match.chip.debugHold);
  return { core, chip, hold, coreWasHalted };
}

/** Leaves a failed attempt clean for the next: NRST released, the probe out of debug mode. */
async function abandon(stlink: StLink, method: Method): Promise<void> {
  try {
    if (method === 'under-reset') await stlink.driveNrst('high');
    if ((await stlink.currentMode()) === STLINK_MODE.DEBUG) await stlink.exitDebug();
  } catch {
    // A probe that cannot even do this has failed in a way the next attempt will report.
  }
}

const METHOD_WORDS: Record<Method, string> = {
  normal: 'connected',
  'slow-clock': 'connected at a slower clock',
  'under-reset': 'connected under reset',
  attach: 'attached',
};

/** What a failed attempt's error means, in a few words. */
function whatCameBack(code: string): 'no-answer' | 'no-halt' | 'other' {
  if (/jtag-get-idcode-error|no-device-connected|swd-dp-error|swd-ap-error|swd-dp-wait/.test(code))
    return 'no-answer';
  if (code === 'target.halt-timeout') return 'no-halt';
  return 'other';
}

/** The one line for the user when the first attempt failed; undefined when it did not. */
export function explain(attempts: readonly ConnectAttempt[]): string | undefined {
  const failed = attempts.filter((a) => !a.ok);
  const success = attempts.find((a) => a.ok);
  if (failed.length === 0 || success === undefined) return undefined;
  const kinds = new Set(failed.map((a) => whatCameBack(a.error?.code ?? '')));
  const speeds = [...new Set(failed.map((a) => a.speedKHz))].join(' or ');
  const head =
    success.method === 'slow-clock' ? `connected at ${success.speedKHz} kHz` : METHOD_WORDS[success.method];
  if (kinds.size === 1 && kinds.has('no-answer')) {
    const why =
      success.method === 'under-reset'
        ? ' (the firmware probably disables SWD or enters a low-power mode)'
        : ' (long or noisy SWD wires? keep --speed low)';
    return `${head}: the SW-DP did not answer at ${speeds} kHz${why}`;
  }
  if (kinds.size === 1 && kinds.has('no-halt')) {
    return `${head}: the core did not halt at ${speeds} kHz (the firmware may keep it asleep with its clocks stopped, or hold it in a state a halt cannot reach)`;
  }
  const each = failed
    .map((a) => `${a.method} at ${a.speedKHz} kHz: ${a.error?.message ?? 'failed'}`)
    .join('; ');
  return `${head} after earlier attempts failed (${each})`;
}

/** Every rung of the ladder failed: what each got back, and what to try. */
export class ConnectFailedError extends TargetError {
  override readonly name: string = 'ConnectFailedError';
  constructor(
    readonly attempts: readonly ConnectAttempt[],
    last: SwdkitError | undefined,
  ) {
    const each = attempts.map((a) => `${a.method} at ${a.speedKHz} kHz: ${a.error?.message ?? 'failed'}`);
    const triedUnderReset = attempts.some((a) => a.method === 'under-reset');
    super('connect-failed', `could not connect to the target (${each.join('; ')})`, {
      cause: last,
      hint: triedUnderReset
        ? `${last?.hint ?? ''} Even under reset the target did not answer: check the wiring (SWDIO, SWCLK, GND, NRST) and the board's power; a chip at read protection level 2 never answers.`.trim()
        : `${last?.hint ?? ''} Try \`--connect under-reset\` (or the default \`--connect auto\`).`.trim(),
    });
  }
}
