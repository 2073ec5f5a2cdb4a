/**
 * The one place where a probe meets a core, a chip and a flash driver (issue 12's Session contract):
 * connecting by a strategy, identifying the chip, flashing, erasing, option bytes behind a consent
 * gate, memory, reset and run control. The CLI uses this surface only (plus StLink for the probe's
 * identity). Its parts live in session/.
 */
import type { CortexM } from './arm/cortex-m.js';
import type { CoreRegisters } from './arm/core-registers.js';
import type { CoreState } from './arm/core-state.js';
import type { Clock } from './arm/debug-access.js';
import type { Image } from './flash/image/types.js';
import { planFlash } from './flash/plan.js';
import { flashImage, type FlashReport } from './flash/program-image.js';
import { SILENT_PROGRESS, type FlashProgress } from './flash/progress.js';
import {
  applyOptionChange,
  readOptions,
  writeOptions,
  type Stm32f4Options,
} from './flash/stm32f4/option-bytes.js';
import type { StLink } from './probe/stlink.js';
import type { ChipInfo } from './target/identify.js';
import { RDP_LEVEL_0, RDP_LEVEL_1, RDP_LEVEL_2 } from './target/stm32f4/flash-registers.js';
import { BadInputError, InternalError, SwdkitError, asSwdkitError } from './util/errors.js';
import { connectTarget } from './session/connect.js';
import { requireConsent, requirePermanentConfirmation } from './session/consent.js';
import type { DebugHold } from './session/debug-hold.js';
import { flashSetup, planMemory } from './session/flash-setup.js';
import { checkWritable } from './session/memory-guard.js';
import type { ConnectOptions, ConnectReport, Consent, FlashOptions, ResetMethod } from './session/types.js';

export type * from './session/types.js';
export type { ChipInfo } from './target/identify.js';
export type { CoreRegisters } from './arm/core-registers.js';
export type { CoreState } from './arm/core-state.js';
export { ConnectFailedError, explain as explainConnect } from './session/connect.js';

const KIB = 1024;

export class Session {
  private closed = false;

  private constructor(
    readonly stlink: StLink,
    readonly core: CortexM,
    readonly chip: ChipInfo,
    readonly connectReport: ConnectReport,
    private readonly hold: DebugHold,
    private readonly clock: Clock,
  ) {}

  /**
   * Connects through an opened StLink by `options.strategy` (default auto), identifies the chip and
   * sets the debug-unit bits it keeps while attached. See session/connect.ts for the ladder.
   */
  static async connect(stlink: StLink, options: ConnectOptions = {}): Promise<Session> {
    const c = await connectTarget(stlink, options);
    return new Session(stlink, c.core, c.chip, c.report, c.hold, c.clock);
  }

  /** The chip's flash driver at the parallelism the measured supply allows, with its erase times. */
  private async flashDriver(): Promise<ReturnType<typeof flashSetup>> {
    return flashSetup(this.chip, this.stlink, this.core, await this.volts(), this.clock);
  }

  /**
   * Puts `image` on the chip: planned against its flash and RAM first (nothing is touched for an image
   * that does not fit), then the chip's flash driver at the parallelism the measured voltage allows.
   * The core is halted first and stays halted (running the loader leaves it where the loader ended).
   */
  async flash(image: Image, source: string, options: FlashOptions = {}): Promise<FlashReport> {
    this.open();
    const plan = planFlash(source, image, planMemory(this.chip));
    await this.halted();
    const { driver, eraseTimes } = await this.flashDriver();
    return flashImage(plan, driver, this.stlink, {
      ...(options.verify === undefined ? {} : { verify: options.verify }),
      ...(options.fullErase === undefined ? {} : { fullErase: options.fullErase }),
      ...(options.progress === undefined ? {} : { progress: options.progress }),
      allSectors: this.chip.sectors,
      eraseTimes,
      ...(this.stlink.features.hasTargetVoltage ? { supplyVolts: () => this.stlink.targetVoltage() } : {}),
    });
  }

  /** Erases all main flash (FLASH_CR.MER), with consent. */
  async massErase(consent: Consent, progress: FlashProgress = SILENT_PROGRESS): Promise<void> {
    this.open();
    const what = `mass erase of all ${this.chip.flashSize / KIB} KiB of flash on the ${this.chip.name}`;
    await requireConsent(
      consent,
      'mass-erase',
      what,
      `Erase ALL ${this.chip.flashSize / KIB} KiB of flash on the ${this.chip.name} (unique ID ${this.chip.uniqueId})? The program on it will be gone.`,
    );
    await this.halted();
    const { driver, eraseTimes } = await this.flashDriver();
    progress.start('erase', this.chip.flashSize, `mass erase, ${driver.parallelism.name}`);
    try {
      await driver.unlock();
      await driver.massErase(eraseTimes.massMs);
      progress.update('erase', this.chip.flashSize);
    } finally {
      progress.end('erase');
      await driver.lock().catch(() => undefined);
    }
  }

  /** Erases the sectors `indexes`, with consent. */
  async eraseSectors(
    indexes: readonly number[],
    consent: Consent,
    progress: FlashProgress = SILENT_PROGRESS,
  ): Promise<void> {
    this.open();
    const sectors = this.sectorsOf(indexes);
    const list = sectors.map((s) => s.index).join(', ');
    const bytes = sectors.reduce((n, s) => n + s.size, 0);
    await requireConsent(
      consent,
      'sector-erase',
      `erasing sector${sectors.length > 1 ? 's' : ''} ${list}`,
      `Erase flash sector${sectors.length > 1 ? 's' : ''} ${list} (${bytes / KIB} KiB) on the ${this.chip.name}?`,
    );
    await this.halted();
    const { driver, eraseTimes } = await this.flashDriver();
    progress.start(
      'erase',
      bytes,
      `${sectors.length} sector${sectors.length > 1 ? 's' : ''}, ${driver.parallelism.name}`,
    );
    try {
      await driver.unlock();
      let done = 0;
      for (const sector of sectors) {
        await driver.eraseSector(sector, eraseTimes.sectorMs(sector));
        done += sector.size;
        progress.update('erase', done);
      }
    } finally {
      progress.end('erase');
      await driver.lock().catch(() => undefined);
    }
  }

  async readMemory(address: number, length: number): Promise<Uint8Array> {
    this.open();
    return this.stlink.readMemory(address, length);
  }

  /** Writes RAM or peripherals; a write that touches flash, OTP or the option bytes is refused. */
  async writeMemory(address: number, data: Uint8Array): Promise<void> {
    this.open();
    checkWritable(this.chip, address, data.length);
    await this.stlink.writeMemory(address, data);
  }

  async readOptions(): Promise<Stm32f4Options> {
    this.open();
    return readOptions(this.stlink);
  }

  /**
   * protect = RDP 1; unlock = RDP 1→0 (which erases all flash: the question says so); level 2
   * needs `consent.permanentConfirmation(uniqueId)` as well as yes/ask. Already at `level`: nothing
   * is asked or written. The new level takes effect at the next reset (RM0090 3.7.3).
   */
  async setReadProtection(level: 0 | 1 | 2, consent: Consent): Promise<void> {
    this.open();
    const options = await readOptions(this.stlink);
    if (options.rdpLevel === level) return;
    const chip = `the ${this.chip.name} (unique ID ${this.chip.uniqueId})`;
    const question = {
      0: `Remove read protection from ${chip}? Going from level 1 to 0 ERASES ALL FLASH first (RM0090 3.7.3).`,
      1: `Set read protection level 1 on ${chip}? Flash can then not be read or debugged from flash; \`swdkit unlock\` undoes it by erasing all flash.`,
      2: `Set read protection level 2 on ${chip}? This is PERMANENT: the debug port is disabled for good and the chip can never be reflashed or unlocked.`,
    }[level];
    const what = {
      0: 'unlock (read protection 1 → 0)',
      1: 'protect (read protection level 1)',
      2: 'read protection level 2',
    }[level];
    await requireConsent(consent, 'read-protection', what, question);
    if (level === 2) await requirePermanentConfirmation(consent, this.chip.uniqueId, what);
    await this.halted();
    const rdp = { 0: RDP_LEVEL_0, 1: RDP_LEVEL_1, 2: RDP_LEVEL_2 }[level];
    await writeOptions(this.stlink, applyOptionChange(options.optcr, { rdp }), {
      sleep: this.clock.sleep,
      now: this.clock.now,
      permanent: level === 2,
    });
  }

  /** Sets or clears nWRP for the given sectors, with consent; takes effect at the next reset. */
  async setWriteProtection(
    change: { readonly protect?: readonly number[]; readonly unprotect?: readonly number[] },
    consent: Consent,
  ): Promise<void> {
    this.open();
    const protect = this.sectorsOf(change.protect ?? [], true).map((s) => s.index);
    const unprotect = this.sectorsOf(change.unprotect ?? [], true).map((s) => s.index);
    if (protect.length === 0 && unprotect.length === 0) return;
    const parts = [
      protect.length > 0 ? `write-protect sector${protect.length > 1 ? 's' : ''} ${protect.join(', ')}` : '',
      unprotect.length > 0
        ? `remove write protection from sector${unprotect.length > 1 ? 's' : ''} ${unprotect.join(', ')}`
        : '',
    ].filter((p) => p !== '');
    const what = parts.join(' and ');
    await requireConsent(
      consent,
      'write-protection',
      what,
      `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} on the ${this.chip.name}?`,
    );
    await this.halted();
    const options = await readOptions(this.stlink);
    await writeOptions(
      this.stlink,
      applyOptionChange(options.optcr, { protectSectors: protect, unprotectSectors: unprotect }),
      { sleep: this.clock.sleep, now: this.clock.now },
    );
  }

  /**
   * Resets the target; `auto` is SYSRESETREQ, then NRST if the core does not come out of reset that
   * way. With `halt` the core stops at the reset handler's first instruction.
   */
  async reset(options: { method?: ResetMethod; halt?: boolean } = {}): Promise<{
    method: Exclude<ResetMethod, 'auto'>;
  }> {
    this.open();
    const method = options.method ?? 'auto';
    const halt = options.halt ?? false;
    if (method !== 'auto') {
      await this.core.reset(method, halt);
      return { method };
    }
    try {
      await this.core.reset('sysresetreq', halt);
      return { method: 'sysresetreq' };
    } catch (error) {
      if (!(error instanceof SwdkitError) || error.code !== 'target.reset-not-seen') throw error;
      await this.core.reset('nrst', halt);
      return { method: 'nrst' };
    }
  }

  async halt(): Promise<void> {
    this.open();
    await this.core.halt();
  }

  async resume(): Promise<void> {
    this.open();
    await this.core.resume();
  }

  /** One instruction, interrupts masked; returns the new PC. A running core is halted first. */
  async step(): Promise<number> {
    this.open();
    return this.core.step();
  }

  /** Every register (the FPU's too on a core that has one); the core is halted first. */
  async registers(): Promise<CoreRegisters> {
    this.open();
    await this.halted();
    return this.core.readRegisters();
  }

  async state(): Promise<CoreState> {
    this.open();
    return this.core.state();
  }

  /**
   * Leaves the target as it was found as far as swdkit's own settings go: breakpoints and watchpoints
   * removed, DBGMCU_CR and the watchdog freeze bits back to the user's values, then the core resumed
   * (unless `resume: false`) and the probe out of debug mode. Each step is tried even if an earlier one
   * failed (the firmware may have turned SWD off meanwhile); the first failure is thrown at the end.
   */
  async disconnect(options: { resume?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let first: SwdkitError | undefined;
    const step = async (work: () => Promise<void>): Promise<void> => {
      try {
        await work();
      } catch (error) {
        first ??= asSwdkitError(error);
      }
    };
    await step(() => this.core.detach({ resume: false }));
    await step(() => this.hold.restore(this.stlink));
    if (options.resume ?? true) await step(() => this.core.detach({ resume: true }));
    await step(() => this.stlink.exitDebug());
    if (first !== undefined) throw first;
  }

  // ---

  private open(): void {
    if (this.closed) {
      throw new InternalError('session-closed', 'the session was disconnected', {
        hint: 'Connect again (Session.connect) before using the target. This is a bug in the caller.',
      });
    }
  }

  /** The supply now (it decides the flash parallelism); NaN when the probe cannot measure it. */
  private async volts(): Promise<number> {
    return this.stlink.features.hasTargetVoltage ? this.stlink.targetVoltage() : Number.NaN;
  }

  private async halted(): Promise<void> {
    if (!(await this.core.isHalted())) await this.core.halt();
  }

  private sectorsOf(indexes: readonly number[], allowEmpty = false): ChipInfo['sectors'][number][] {
    const last = this.chip.sectors.length - 1;
    if (indexes.length === 0 && !allowEmpty) {
      throw new BadInputError('no-sectors', 'no sectors given', { hint: `Name sectors 0–${last}.` });
    }
    return [...new Set(indexes)]
      .sort((a, b) => a - b)
      .map((index) => {
        const sector = this.chip.sectors[index];
        if (!Number.isInteger(index) || sector === undefined) {
          throw new BadInputError(
            'no-such-sector',
            `sector ${index} does not exist: the ${this.chip.name} with ${this.chip.flashSize / KIB} KiB of flash has sectors 0–${last}`,
            { hint: `Name sectors 0–${last}; nothing was changed on the target.` },
          );
        }
        return sector;
      });
  }
}
