/**
 * The doctor's ladder (issue 14): it climbs from the probe to the chip, records every rung as
 * evidence and names the cause with a stable code. It sees the board only through the probe (an
 * StLink over USB or any stlink-server), exactly as it would a real one.
 *
 *   probe present and openable → probe firmware → target voltage → the SW-DP at the configured clock
 *   (attach: nothing is halted) → at a slower clock → under reset. If only under reset works, the
 *   firmware is traced from the reset vector (boot-trace.ts). Once attached: the core as found
 *   (lock-up, HardFault), protection, the vector table, a watchdog that resets a halted core.
 */
import { WALL_CLOCK, type Clock } from '../arm/debug-access.js';
import { XPSR_IPSR_MASK } from './xpsr.js';
import type { Stm32f4Options } from '../flash/stm32f4/option-bytes.js';
import type { StLink } from '../probe/stlink.js';
import { ConnectFailedError, Session, type ConnectStrategy } from '../session.js';
import { MIN_TARGET_VOLTS, SLOW_SPEED_KHZ, DEFAULT_SPEED_KHZ } from '../session/connect.js';
import { hex32 } from '../util/bytes.js';
import { asSwdkitError, type SwdkitError } from '../util/errors.js';
import { traceFromReset } from './boot-trace.js';
import {
  hardFaultDiagnosis,
  lockupDiagnosis,
  lowPowerResetDiagnosis,
  traceDiagnosis,
  type Locate,
} from './diagnose-trace.js';
import { RCC_CSR } from '../target/stm32f4/system-registers.js';
import { probeFirmwareCheck, probeFirmwareDiagnosis, probeOpenDiagnosis } from './probe-checks.js';
import type { Diagnosis, DoctorReport, Evidence } from './report.js';
import { noAnswerDiagnosis } from './no-answer.js';
import { checkVectorTable, type VectorTableCheck } from './vector-table.js';
import { checkWatchdog, readResetFlags } from './watchdog-check.js';

export interface DoctorProbe {
  readonly stlink: StLink;
  /** `ST-LINK/V2-1 V2J40M27 (serial …) on usb:1-2`, for the evidence. */
  readonly description: string;
  /** The target's clock when it is not the wall's (the virtual board's own). */
  readonly clock?: Clock;
}

export interface DoctorOptions {
  /** Finds and opens the probe; throws the SwdkitError that says why not. The caller closes it. */
  readonly open: () => Promise<DoctorProbe>;
  /** The configured SWD clock (default 4000 kHz). */
  readonly speedKHz?: number;
  /** The target's clock: wall time on hardware, the virtual board's own on `--probe sim`. */
  readonly clock?: Clock;
  /** From `--elf`: the function and source line of a PC. */
  readonly locate?: Locate;
  /** How long the firmware is traced from the reset vector, ms of target time. Default 3000. */
  readonly traceMs?: number;
  /** Wall clock for the report's duration. */
  readonly wallNow?: () => number;
}

const DEFAULT_TRACE_MS = 3000;
/** How long the core is watched for resets before anything is halted. */
const CORE_STATE_WINDOW_MS = 250;

class Ladder {
  readonly steps: Evidence[] = [];
  readonly causes: Diagnosis[] = [];
  readonly notes: Diagnosis[] = [];

  record(e: Evidence): Evidence {
    this.steps.push(e);
    return e;
  }
}

function connectError(error: SwdkitError): string {
  if (error instanceof ConnectFailedError) {
    return error.attempts.map((a) => a.error?.message ?? 'failed').join('; ');
  }
  return error.message;
}

/** Runs the whole ladder. Never throws for what it finds on the target; that is the report. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const wallNow = options.wallNow ?? WALL_CLOCK.now;
  const started = wallNow();
  const ladder = new Ladder();
  await climb(ladder, options);
  const diagnoses = [...ladder.causes, ...ladder.notes];
  if (ladder.causes.length === 0) {
    diagnoses.unshift({
      code: 'healthy',
      summary:
        'The probe, the link and the chip look healthy: the SW-DP answers at the configured clock, the core runs, the chip is not protected against reading.',
      evidence: ladder.steps.filter((s) => s.ok),
    });
  }
  return { diagnoses, steps: ladder.steps, durationMs: Math.round(wallNow() - started) };
}

async function climb(ladder: Ladder, options: DoctorOptions): Promise<void> {
  const speed = options.speedKHz ?? DEFAULT_SPEED_KHZ;
  const locate: Locate = options.locate ?? ((pc) => ({ pc }));

  let probe: DoctorProbe;
  try {
    probe = await options.open();
  } catch (thrown) {
    const error = asSwdkitError(thrown);
    // A busy or forbidden probe was found: it is present, only opening it failed.
    const found = error.code === 'unavailable.usb-busy' || error.code === 'unavailable.usb-permission';
    if (found) {
      ladder.record({
        step: 'probe-present',
        tried: 'look for an ST-Link',
        result: 'one is there (USB enumeration found it)',
        ok: true,
      });
    }
    const evidence = ladder.record({
      step: found ? 'probe-open' : 'probe',
      tried: found ? 'open the ST-Link' : 'find and open the ST-Link',
      result: error.message,
      ok: false,
      data: { code: error.code },
    });
    ladder.causes.push(probeOpenDiagnosis(error, evidence));
    return;
  }
  ladder.record({ step: 'probe', tried: 'find and open the ST-Link', result: probe.description, ok: true });
  const { stlink } = probe;
  const clock = probe.clock ?? options.clock ?? WALL_CLOCK;

  const firmware = probeFirmwareCheck(stlink);
  ladder.record(firmware.evidence);
  if (firmware.missing.length > 0)
    ladder.notes.push(probeFirmwareDiagnosis(stlink, firmware.missing, firmware.evidence));

  if (stlink.features.hasTargetVoltage) {
    const volts = await stlink.targetVoltage();
    const powered = volts >= MIN_TARGET_VOLTS;
    const evidence = ladder.record({
      step: 'target-voltage',
      tried: "measure the target's supply on the probe's VDD (VTref) pin",
      result: `${volts.toFixed(2)} V${powered ? '' : ` (an STM32 needs at least 1.8 V)`}`,
      ok: powered,
      data: { volts },
    });
    if (!powered) {
      ladder.causes.push({
        code: 'no-target-power',
        summary: `The target is not powered: the probe measures ${volts.toFixed(2)} V on its VDD pin.`,
        evidence: [evidence],
        command: 'swdkit doctor',
        fix: "Power the board (its USB cable or supply; on a Discovery the JP1 jumper must be fitted) and check that the probe's VDD pin is wired to the target's supply; then run the doctor again.",
      });
      return;
    }
  }

  const connect = async (step: string, strategy: ConnectStrategy, speedKHz: number, tried: string) => {
    try {
      const session = await Session.connect(stlink, {
        strategy,
        speedKHz,
        sleep: clock.sleep,
        now: clock.now,
      });
      const evidence = ladder.record({
        step,
        tried,
        result: `the SW-DP answers (${session.chip.name}, DBGMCU_IDCODE ${hex32(session.chip.idcode)}) at ${session.connectReport.speedKHz} kHz`,
        ok: true,
      });
      return { session, evidence };
    } catch (thrown) {
      const error = asSwdkitError(thrown);
      const evidence = ladder.record({
        step,
        tried,
        result: connectError(error),
        ok: false,
        data: { code: error.code },
      });
      return { error, evidence };
    }
  };

  const first = await connect('swd', 'attach', speed, `attach over SWD at ${speed} kHz (no halt, no reset)`);
  if ('session' in first) {
    await attached(ladder, first.session, clock, locate, options.traceMs ?? DEFAULT_TRACE_MS);
    return;
  }
  const failures: Evidence[] = [first.evidence];
  if (stlink.canSetSwdFrequency && speed > SLOW_SPEED_KHZ) {
    const slow = await connect(
      'swd-slow',
      'attach',
      SLOW_SPEED_KHZ,
      `attach over SWD at ${SLOW_SPEED_KHZ} kHz`,
    );
    if ('session' in slow) {
      ladder.causes.push({
        code: 'swd-speed',
        summary: `The SW-DP answers at ${SLOW_SPEED_KHZ} kHz but not at ${speed} kHz: the SWD wires are too long or noisy for the faster clock.`,
        evidence: [first.evidence, slow.evidence],
        command: `swdkit --speed ${SLOW_SPEED_KHZ} info`,
        fix: `Use --speed ${SLOW_SPEED_KHZ} (OpenOCD: \`adapter speed ${SLOW_SPEED_KHZ}\`), or shorten the wires and add a ground wire next to SWCLK.`,
      });
      await attached(ladder, slow.session, clock, locate, options.traceMs ?? DEFAULT_TRACE_MS);
      return;
    }
    failures.push(slow.evidence);
  }
  const underReset = await connect(
    'under-reset',
    'under-reset',
    speed,
    `connect under reset at ${speed} kHz (NRST held low while SWD is entered, core halted at the reset vector)`,
  );
  if ('session' in underReset) {
    failures.push(underReset.evidence);
    await onlyUnderReset(
      ladder,
      underReset.session,
      clock,
      locate,
      options.traceMs ?? DEFAULT_TRACE_MS,
      failures,
    );
    return;
  }
  failures.push(underReset.evidence);
  ladder.causes.push(noAnswerDiagnosis(failures));
}

/** Protection and option bytes, recorded; the diagnoses they call for. */
async function protection(ladder: Ladder, session: Session): Promise<Stm32f4Options> {
  const options = await session.readOptions();
  const wrp = options.writeProtected.flatMap((p, i) => (p ? [i] : []));
  const evidence = ladder.record({
    step: 'protection',
    tried: 'read the option bytes (FLASH_OPTCR)',
    result: `FLASH_OPTCR ${hex32(options.optcr)}: RDP level ${options.rdpLevel} (0x${options.rdp.toString(16).padStart(2, '0')}), ${wrp.length === 0 ? 'no sector write-protected' : `sector${wrp.length > 1 ? 's' : ''} ${wrp.join(', ')} write-protected`}, nRST_STOP ${options.resetOnStop ? '0 (entering Stop resets the chip)' : '1'}, nRST_STDBY ${options.resetOnStandby ? '0 (entering Standby resets the chip)' : '1'}, WDG_SW ${options.watchdogSoftware ? '1' : '0 (the IWDG runs from reset)'}`,
    ok: options.rdpLevel === 0 && wrp.length === 0,
    data: { optcr: options.optcr, rdpLevel: options.rdpLevel, writeProtected: wrp },
  });
  if (options.rdpLevel === 2) {
    ladder.causes.push({
      code: 'permanently-protected',
      summary:
        'The option bytes hold read protection level 2 (RDP 0xCC): once loaded, the debug port is disabled for good and the chip can never be read, erased or reflashed through SWD.',
      evidence: [evidence],
      fix: 'Nothing can undo level 2. If it is only written and not yet loaded (no reset since), keep the board powered and do not reset it; otherwise replace the chip.',
    });
  } else if (options.rdpLevel === 1) {
    ladder.causes.push({
      code: 'read-protected',
      summary:
        'Flash read protection level 1 is set: with a debugger connected the flash cannot be read, programmed or erased sector by sector, and the firmware may not run.',
      evidence: [evidence],
      command: 'swdkit recover',
      fix: 'Going back to level 0 erases ALL flash (RM0090 3.7.3): `swdkit recover --backup FILE` first keeps whatever RAM-side copy there is; `swdkit unlock` does the RDP 1 → 0 step alone.',
    });
  }
  if (wrp.length > 0) {
    ladder.notes.push({
      code: 'write-protected',
      summary: `Flash sector${wrp.length > 1 ? 's' : ''} ${wrp.join(', ')} ${wrp.length > 1 ? 'are' : 'is'} write-protected (nWRP): erasing or programming ${wrp.length > 1 ? 'them' : 'it'} fails with WRPERR.`,
      evidence: [evidence],
      command: `swdkit options --unprotect-sectors ${wrp.join(',')}`,
    });
  }
  return options;
}

async function vectorTable(
  ladder: Ladder,
  session: Session,
  options: Stm32f4Options,
): Promise<VectorTableCheck | undefined> {
  try {
    const table = await checkVectorTable(session.stlink, session.chip);
    const evidence = ladder.record({
      step: 'vector-table',
      tried: 'read the vector table at the start of flash',
      result: table.erased
        ? `erased: initial SP ${hex32(table.initialSp)}, Reset ${hex32(table.reset)}, and the whole first sector reads 0xFF`
        : `initial SP ${hex32(table.initialSp)}, Reset ${hex32(table.reset)}, HardFault ${hex32(table.hardFault)}${table.problems.length === 0 ? '' : `: ${table.problems.join('; ')}`}`,
      ok: !table.erased && table.problems.length === 0,
      data: { initialSp: table.initialSp, reset: table.reset, hardFault: table.hardFault },
    });
    if (table.erased) {
      ladder.causes.push({
        code: 'flash-empty',
        summary:
          'The flash is erased: there is no firmware on the chip (it runs nothing and answers the debugger normally).',
        evidence: [evidence],
        command: 'swdkit flash FIRMWARE.elf',
      });
    }
    return table;
  } catch (thrown) {
    ladder.record({
      step: 'vector-table',
      tried: 'read the vector table at the start of flash',
      result: `unreadable: ${asSwdkitError(thrown).message}${options.rdpLevel > 0 ? ' (read protection)' : ''}`,
      ok: false,
    });
    return undefined;
  }
}

/** The SW-DP answered without a reset: look at the core as the firmware left it, then the chip. */
async function attached(
  ladder: Ladder,
  session: Session,
  clock: Clock,
  locate: Locate,
  traceMs: number,
): Promise<void> {
  const { core } = session;
  let resume = true;
  try {
    const first = await core.status();
    await clock.sleep(CORE_STATE_WINDOW_MS);
    const found = await core.status();
    const fault = await core.faultStatus();
    const stateEvidence = ladder.record({
      step: 'core-state',
      tried: `look at the core as found (DHCSR twice, ${CORE_STATE_WINDOW_MS} ms apart; CFSR/HFSR)`,
      result: `${found.state}${found.resetSinceLastStatus ? ', and it reset in between' : ''}; ${fault.summary}`,
      ok: found.state === 'running' || found.state === 'sleeping',
      data: { dhcsr: found.dhcsr, cfsr: fault.cfsr, hfsr: fault.hfsr },
    });
    resume = first.state !== 'halted';
    const flags = ladder.record(await readResetFlags(session.stlink));
    const options = await protection(ladder, session);
    const table = await vectorTable(ladder, session, options);
    const vectorProblems = table?.problems ?? [];
    if (options.rdpLevel === 1 && table !== undefined) {
      // Flash still reads: the level was written but is loaded only at the next reset.
      const at = ladder.causes.findIndex((c) => c.code === 'read-protected');
      const current = ladder.causes[at];
      if (current !== undefined) {
        ladder.causes[at] = {
          ...current,
          summary:
            'Flash read protection level 1 is written to the option bytes and takes effect at the next reset (flash still reads now): from then on, with a debugger connected, the flash cannot be read, programmed or erased sector by sector.',
          evidence: [...current.evidence, ...ladder.steps.filter((s) => s.step === 'vector-table')],
        };
      }
    }
    if (found.state === 'locked-up') {
      await core.halt();
      ladder.causes.push(
        lockupDiagnosis(
          fault,
          await core.readRegister('pc'),
          [stateEvidence, ...ladder.steps.filter((s) => s.step === 'vector-table')],
          vectorProblems,
        ),
      );
      return;
    }
    if (!(await core.isHalted())) {
      try {
        await core.halt();
      } catch (thrown) {
        ladder.record({
          step: 'halt',
          tried: 'halt the core',
          result: asSwdkitError(thrown).message,
          ok: false,
        });
        return;
      }
    }
    const xpsr = await core.readRegister('xpsr');
    const pc = await core.readRegister('pc');
    const ipsr = xpsr & XPSR_IPSR_MASK;
    const halted = ladder.record({
      step: 'halt',
      tried: 'halt the core',
      result: `halted at ${hex32(pc)}, IPSR ${ipsr}${ipsr === 3 ? ' (in the HardFault handler)' : ''}`,
      ok: ipsr !== 3,
      data: { pc, xpsr },
    });
    if (ipsr === 3 || fault.hfsr !== 0) {
      // The handler's own state says little about where it came from: run the firmware again
      // from reset with HardFault caught, and read the frame the core pushes.
      await session.reset({ halt: true });
      const trace = await traceFromReset(core, session.stlink, clock, traceMs);
      trace.evidence.forEach((e) => ladder.record(e));
      if (trace.finding.kind === 'hard-fault') {
        ladder.causes.push(
          hardFaultDiagnosis(
            trace.finding.frame,
            trace.finding.fault,
            [
              stateEvidence,
              ...ladder.steps.filter((s) => s.step === 'vector-table' && !s.ok),
              halted,
              ...trace.evidence,
            ],
            locate,
            vectorProblems,
          ),
        );
      } else {
        ladder.causes.push({
          code: 'hard-fault',
          summary: `The core is in its HardFault handler (PC ${hex32(pc)}): ${fault.summary}.`,
          evidence: [stateEvidence, halted, ...trace.evidence],
          command: 'swdkit regs',
        });
      }
      return;
    }
    if (ladder.causes.some((c) => c.code === 'flash-empty' || c.code === 'read-protected')) return;
    const csr = Number(flags.data?.['rccCsr'] ?? 0);
    if (
      (options.resetOnStop || options.resetOnStandby) &&
      (csr & RCC_CSR.LPWRRSTF || found.resetSinceLastStatus)
    ) {
      // The option bytes turn a Stop/Standby entry into a reset: find the entry from reset.
      await session.reset({ halt: true });
      const trace = await traceFromReset(core, session.stlink, clock, traceMs);
      trace.evidence.forEach((e) => ladder.record(e));
      ladder.causes.push(
        lowPowerResetDiagnosis(
          options,
          trace.finding,
          [stateEvidence, flags, ...ladder.steps.filter((s) => s.step === 'protection'), ...trace.evidence],
          locate,
        ),
      );
      return;
    }
    const watchdog = await checkWatchdog(core, session.stlink, clock, options);
    watchdog.evidence.forEach((e) => ladder.record(e));
    if (watchdog.resetBy !== undefined) {
      const name = watchdog.resetBy === 'WWDG' ? 'window watchdog (WWDG)' : 'independent watchdog (IWDG)';
      ladder.causes.push({
        code: 'watchdog-reset',
        summary: `The ${name} resets the chip whenever a debugger keeps the core halted for longer than its timeout${watchdog.timeoutMs === undefined ? '' : ` (about ${watchdog.timeoutMs} ms)`}: its DBGMCU_APB1_FZ freeze bit is clear.`,
        evidence: [flags, ...watchdog.evidence],
        command: 'swdkit flash FIRMWARE.elf',
        fix: 'swdkit sets DBG_IWDG_STOP/DBG_WWDG_STOP while it is attached, so its commands are not reset; for other debuggers set them (OpenOCD: `mmw 0xE0042008 0x1800 0`), or have the firmware set DBGMCU_APB1_FZ in debug builds.',
      });
    }
  } finally {
    await session.disconnect({ resume }).catch(() => undefined);
  }
}

/** Only a connect under reset reached the target: trace the firmware from the reset vector. */
async function onlyUnderReset(
  ladder: Ladder,
  session: Session,
  clock: Clock,
  locate: Locate,
  traceMs: number,
  failures: readonly Evidence[],
): Promise<void> {
  try {
    const options = await protection(ladder, session);
    const table = await vectorTable(ladder, session, options);
    const trace = await traceFromReset(session.core, session.stlink, clock, traceMs);
    trace.evidence.forEach((e) => ladder.record(e));
    ladder.causes.push(
      traceDiagnosis(trace.finding, [...failures, ...trace.evidence], locate, table?.problems ?? []),
    );
    // The pin lock lasts until a reset: reset so the firmware runs as it was found.
    await session.reset({ method: 'sysresetreq' }).catch(() => undefined);
  } finally {
    await session.disconnect({ resume: true }).catch(() => undefined);
  }
}
