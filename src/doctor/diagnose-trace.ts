/** What a trace from the reset vector found, as a diagnosis. */
import type { FaultStatus } from '../arm/fault-status.js';
import { hex32 } from '../util/bytes.js';
import type { TraceFinding } from './boot-trace.js';
import type { CodeLocation, Diagnosis, Evidence } from './report.js';
import type { StackedFrame } from './stacked-frame.js';

export type Locate = (pc: number) => CodeLocation;

export const where = (location: CodeLocation): string =>
  `${hex32(location.pc)}${location.function === undefined ? '' : ` in ${location.function}()`}${location.file === undefined ? '' : ` (${location.file}${location.line === undefined ? '' : `:${location.line}`})`}`;

const RECOVER_FIX =
  'swdkit reaches it by connecting under reset, so `swdkit flash FIXED.elf` still works (the default --connect auto ends with under reset); `swdkit recover` erases the chip so that any tool connects again. For OpenOCD add `-c "reset_config srst_only srst_nogate connect_assert_srst"`.';

export function hardFaultDiagnosis(
  frame: StackedFrame,
  fault: FaultStatus,
  evidence: readonly Evidence[],
  locate: Locate,
  vectorProblems: readonly string[],
): Diagnosis {
  // A jump through a bad pointer faults at an address with no code: the caller (LR) is what to fix.
  const at = locate(frame.pc);
  // LR is the return address: the call itself is the instruction before it.
  const caller = locate((frame.lr & ~1) - 2);
  const location =
    at.function === undefined && caller.function !== undefined ? { ...caller, pc: frame.pc } : at;
  const from = location === at ? '' : `, called from ${where(caller)}`;
  return {
    code: 'hard-fault',
    summary:
      vectorProblems.length > 0
        ? `The vector table is wrong (${vectorProblems.join('; ')}): the core takes a HardFault at ${where(at)} before the program runs: ${fault.summary}.`
        : `The firmware takes a HardFault at ${where(at)}${from}: ${fault.summary}.`,
    evidence,
    location,
    command: 'swdkit regs',
    fix: `Fix the code at ${hex32(frame.pc)} (the caller is at LR ${hex32(frame.lr)}); CFSR ${hex32(fault.cfsr)}, HFSR ${hex32(fault.hfsr)}, MMFAR ${hex32(fault.mmfar)}, BFAR ${hex32(fault.bfar)}. Flash the corrected firmware with \`swdkit flash FILE\`.`,
  };
}

export function lockupDiagnosis(
  fault: FaultStatus,
  pc: number,
  evidence: readonly Evidence[],
  vectorProblems: readonly string[],
): Diagnosis {
  const vectors =
    vectorProblems.length > 0 ? ` The vector table is wrong: ${vectorProblems.join('; ')}.` : '';
  return {
    code: 'core-lockup',
    summary: `The core is locked up (a fault inside the HardFault handler, PC ${hex32(pc)}): ${fault.summary}.${vectors}`,
    evidence,
    command: 'swdkit flash FIXED.elf',
    fix: 'A locked-up core runs nothing until reset; a debugger can still halt it and reflash. `swdkit recover` erases the chip if you just want it quiet.',
  };
}

/** The diagnosis for the "only under reset" path. */
export function traceDiagnosis(
  finding: TraceFinding,
  evidence: readonly Evidence[],
  locate: Locate,
  vectorProblems: readonly string[],
): Diagnosis {
  switch (finding.kind) {
    case 'swd-pins': {
      const location = locate(finding.write.pc);
      const pins = finding.pins.map((p) => `${p.name} (${p.signal}) to ${p.now}`).join(' and ');
      return {
        code: 'firmware-disables-swd-pins',
        summary: `The firmware switches ${pins} at ${where(location)} (${finding.write.register} = ${hex32(finding.write.value)}): from then on the probe cannot reach the SW-DP.`,
        evidence,
        location,
        command: 'swdkit recover',
        fix: `Keep PA13/PA14 in AF0 in the firmware (leave GPIOA_MODER bits 29:26 at 0b1010). ${RECOVER_FIX}`,
      };
    }
    case 'low-power': {
      const location = locate(finding.write.pc);
      const mode = finding.mode === 'standby' ? 'Standby' : 'Stop';
      const cleared =
        (finding.dbgmcuCr & 0x6) !== 0x6
          ? ' with DBGMCU_CR cleared, so the debug logic is not kept alive'
          : '';
      return {
        code: 'firmware-low-power',
        summary: `The firmware enters ${mode} mode at ${where(location)} (SCB_SCR.SLEEPDEEP with PWR_CR.PDDS = ${finding.pwrCr & 2 ? 1 : 0})${cleared}: the SW-DP stops answering.`,
        evidence,
        location,
        command: 'swdkit recover',
        fix: `Let the firmware set DBGMCU_CR.DBG_STOP/DBG_STANDBY while debugging, or delay the low-power entry. ${RECOVER_FIX}`,
      };
    }
    case 'hard-fault':
      return hardFaultDiagnosis(finding.frame, finding.fault, evidence, locate, vectorProblems);
    case 'lockup':
      return lockupDiagnosis(finding.fault, finding.pc, evidence, vectorProblems);
    default:
      return cannotTellAfterTrace(finding, evidence);
  }
}

function cannotTellAfterTrace(finding: TraceFinding, evidence: readonly Evidence[]): Diagnosis {
  return {
    code: 'swd-no-response',
    summary:
      finding.kind === 'reset'
        ? 'The SW-DP answers only under reset, and the chip resets while its firmware runs; the doctor could not see what takes the debug port.'
        : 'The SW-DP answers only under reset, but the trace from the reset vector saw no write that takes the SWD pins or enters Stop/Standby; the doctor cannot tell what takes the debug port.',
    evidence,
    command: 'swdkit recover',
    fix: RECOVER_FIX,
    possibilities: [
      {
        cause: 'the firmware takes the pins or sleeps later than the trace waited',
        tell: 'run `swdkit doctor` again with -v and see how long the trace ran; `swdkit info` right after a reset shows whether the SW-DP answers for a while',
      },
      {
        cause:
          'the firmware reaches the registers another way (bit-band alias, DMA, a bootloader that jumps elsewhere)',
        tell: 'search the firmware for writes to 0x40020000 (GPIOA), 0x42400000 (its bit-band alias) and PWR_CR',
      },
      {
        cause: 'a watchdog or brown-out resets the chip in a loop',
        tell: '`swdkit info` under reset shows RCC_CSR flags with -v; a supply that sags when the firmware starts shows as BORRSTF',
      },
    ],
  };
}

/** The option bytes reset the chip on Stop/Standby entry, and the firmware enters it: a boot loop. */
export function lowPowerResetDiagnosis(
  options: { readonly resetOnStop: boolean; readonly resetOnStandby: boolean },
  finding: TraceFinding,
  evidence: readonly Evidence[],
  locate: Locate,
): Diagnosis {
  const bits = [options.resetOnStop ? 'nRST_STOP' : '', options.resetOnStandby ? 'nRST_STDBY' : '']
    .filter((b) => b !== '')
    .join(' and ');
  const entry =
    finding.kind === 'low-power'
      ? { mode: finding.mode === 'standby' ? 'Standby' : 'Stop', location: locate(finding.write.pc) }
      : undefined;
  return {
    code: 'firmware-low-power',
    summary: `${entry === undefined ? 'The firmware enters a low-power mode' : `The firmware enters ${entry.mode} mode at ${where(entry.location)}`}, and the option bytes (${bits} = 0) turn that into a reset: the chip restarts in a loop (RCC_CSR.LPWRRSTF), and a debugger loses it each time.`,
    evidence,
    ...(entry === undefined ? {} : { location: entry.location }),
    command: 'swdkit options',
    fix: `Set ${bits} back to 1 in the option bytes (STM32CubeProgrammer: \`-ob ${bits
      .split(' and ')
      .map((b) => `${b}=1`)
      .join(
        ' ',
      )}\`); erasing the flash does not change them. Or keep the firmware out of Stop/Standby while debugging.`,
  };
}
