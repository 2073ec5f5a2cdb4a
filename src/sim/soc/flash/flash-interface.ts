import type { TimerHandle } from '../clock.js';
import { MEMORY } from '../memory-map.js';
import type { AccessSize, IrqLine, Peripheral, SocResetKind } from '../peripheral.js';
import { mergeWrite, readLane } from '../peripheral.js';
import type { SocContext } from '../soc-context.js';
import type { FlashStorage } from './flash-storage.js';
import { OTP_BLOCK_SIZE, OTP_DATA_SIZE, OTP_LOCK_OFFSET } from './flash-storage.js';
import {
  FLASH_ACR,
  FLASH_ACR_WRITABLE,
  FLASH_R_BASE,
  FLASH_CR,
  FLASH_CR_WRITABLE,
  FLASH_IRQ,
  FLASH_KEY,
  FLASH_OPTCR,
  FLASH_OPTKEY,
  FLASH_REG,
  FLASH_SR,
  FLASH_SR_ERRORS,
  FLASH_SR_W1C,
  OPTCR_OPTION_BITS,
  type Psize,
  RDP_LEVEL_0,
  rdpLevelOf,
  type RdpLevel,
} from '../../../target/stm32f4/flash-registers.js';
import { PROGRAM_TIME_NS, massEraseTime, optionProgramTime, sectorEraseTime } from './flash-timing.js';
import { SECTORS, SECTOR_COUNT, mainFlashOffset, sectorIndexAt } from './sectors.js';

/** What the FLASH interface needs from the SoC around it. */
export interface FlashHooks {
  /** Main-flash bytes [address, address + length) changed (program or erase): drop decoded code. */
  codeChanged(address: number, length: number): void;
  /**
   * An access RM0090 answers with a bus error: a wrong key sequence (RM0090 3.6.1, 3.7.2). Should
   * throw the bus's error (the core's BusError); the FLASH state has already changed when called.
   * Without it the register still locks up, but the writer sees no error.
   */
  busError?(address: number, access: 'read' | 'write'): never;
  /**
   * RM0090 3.7.3 "intrusion": true when a debugger has been connected since power-on (the SW-DP
   * was accessed) or the chip booted from SRAM or system memory. With RDP level 1 this blocks every
   * main-flash access. The FLASH interface asks when an erase starts or a program write arrives
   * (refused with WRPERR); reads are the spine's to refuse, through `readProtected`. Without it,
   * no intrusion is assumed.
   */
  debugIntrusion?(): boolean;
  /** RM0090 3.7.3: leaving level 1 for level 0 erases the backup SRAM too (not FLASH's memory). */
  eraseBackupSram?(): void;
}

/** KEYR / OPTKEYR state machine (RM0090 3.6.1, 3.7.2). */
const KEY_STATE = { locked: 0, firstKey: 1, unlocked: 2, lockedUntilReset: 3 } as const;
type KeyState = (typeof KEY_STATE)[keyof typeof KEY_STATE];

type Operation = 'program' | 'erase' | 'options';

/** An access that arrived while BSY was set, replayed when the operation ends (see `busyUntil`). */
type Deferred =
  | { readonly kind: 'register'; readonly offset: number; readonly size: AccessSize; readonly value: number }
  | { readonly kind: 'program'; readonly address: number; readonly size: AccessSize; readonly value: number };

const ERASED = 0xff;

/**
 * The STM32F407 embedded flash interface (RM0090 chapter 3): the FLASH registers at 0x40023C00, the
 * program/erase engine over `FlashStorage`, option bytes with read and write protection, and OTP.
 *
 * How the spine (stm32f407.ts / bus.ts) uses it:
 * - maps `registers` at FLASH_R_BASE (always clocked) and calls `reset(kind)` on every reset;
 * - reads main flash, OTP and the option bytes straight from `storage`, but first (1) stalls:
 *   any access to main flash or OTP while `clock.now < busyUntil` waits until `busyUntil` (the
 *   flash array is busy, RM0090 3.6); (2) refuses: when `readProtected(intrusion)` is true, every
 *   main-flash read (core or debugger, data or fetch) is a bus error (RM0090 3.7.3);
 * - routes every store to main flash (either alias) and to OTP to `programWrite`, after the same
 *   stall; register writes to CR stall too (RM0090 3.6.1 note), and — a choice, RM0090 is silent —
 *   so do writes to OPTCR (`registerWriteStallUntil`).
 *   If the spine does not stall, accesses that arrive while busy are queued and replayed when the
 *   operation ends, so the contents come out as a stalled bus would leave them.
 *
 * Deterministic choices where silicon is undefined or RM0090 is silent are marked "choice".
 */
export class FlashInterface {
  readonly registers: Peripheral;

  private acr = 0;
  private sr = 0;
  private cr: number = FLASH_CR.LOCK | 0;
  private optcr = 0;
  private keyState: KeyState = KEY_STATE.locked;
  private optKeyState: KeyState = KEY_STATE.locked;
  /** Option fields in force since the last reset (RM0090 3.7: loaded at reset). */
  private loadedOptions = 0;

  private operation: Operation | undefined = undefined;
  private operationTimer: TimerHandle | undefined = undefined;
  private operationEnd = 0;
  private pendingOptions = 0;
  private readonly deferred: Deferred[] = [];
  /** True while deferred accesses replay from a clock event: no bus is waiting for an answer. */
  private replaying = false;
  private readonly irq: IrqLine;
  private readonly onOperationEnd = (): void => {
    this.finish();
  };

  constructor(
    private readonly ctx: SocContext,
    readonly storage: FlashStorage,
    private readonly hooks: FlashHooks,
  ) {
    this.irq = ctx.irq(FLASH_IRQ);
    this.registers = {
      name: 'FLASH',
      base: FLASH_R_BASE,
      size: 0x400,
      clockEnable: undefined,
      read: (offset, size) => this.readRegister(offset, size),
      write: (offset, size, value) => {
        this.writeRegister(offset, size, value);
      },
      reset: (kind) => {
        this.reset(kind);
      },
    };
    this.reset('power-on');
  }

  // ---- what the rest of the SoC asks -------------------------------------------------------------

  /** Main flash contents (RM0090 3.3), for the bus to read directly. */
  get main(): Uint8Array {
    return this.storage.main;
  }

  /** OTP data and lock bytes at 0x1FFF7800 (RM0090 3.8), for the bus to read directly. */
  get otp(): Uint8Array {
    return this.storage.otp;
  }

  /**
   * A read of the option bytes area 0x1FFFC000–0x1FFFC00F (RM0090 3.7.1 table 16): the stored
   * bytes with their complements, little-endian. These are the stored bytes, which can differ from
   * OPTCR (not yet committed) and from what is in force (committed, not yet reset).
   */
  readOptionBytes(offset: number, size: AccessSize): number {
    const bytes = this.storage.optionBytes;
    if (size === 1) return bytes[offset]!;
    if (size === 2) return bytes[offset]! | (bytes[offset + 1]! << 8);
    return (
      bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)
    );
  }

  /** Virtual time (ns) until which the flash array is busy; in the past when idle. */
  get busyUntil(): number {
    return this.operation === undefined ? 0 : this.operationEnd;
  }

  /** How long a register write at `offset` must stall: CR and OPTCR wait for BSY (RM0090 3.6.1). */
  registerWriteStallUntil(offset: number): number {
    const register = offset & ~3;
    return register === FLASH_REG.CR || register === FLASH_REG.OPTCR ? this.busyUntil : 0;
  }

  /** RDP level of the option bytes loaded at the last reset. */
  get rdpLevel(): RdpLevel {
    return rdpLevelOf(this.loadedOptions >>> FLASH_OPTCR.RDP_SHIFT);
  }

  /**
   * RM0090 3.7.3 level 1: main flash is unreachable (bus error on read; no program, no erase) while
   * `intrusion` holds — a debugger connected since power-on, or a boot from SRAM/system memory.
   * Level 2 implies level 1's protections (and the spine keeps the SW-DP off at level 2).
   */
  readProtected(intrusion: boolean): boolean {
    return intrusion && this.rdpLevel !== 0;
  }

  /** WDG_SW = 0: the IWDG starts by itself at reset (RM0090 3.7.1). */
  get hardwareWatchdog(): boolean {
    return (this.loadedOptions & FLASH_OPTCR.WDG_SW) === 0;
  }

  /** nRST_STOP = 0: entering Stop resets the chip instead (RM0090 3.7.1). */
  get resetOnStop(): boolean {
    return (this.loadedOptions & FLASH_OPTCR.nRST_STOP) === 0;
  }

  /** nRST_STDBY = 0: entering Standby resets the chip instead (RM0090 3.7.1). */
  get resetOnStandby(): boolean {
    return (this.loadedOptions & FLASH_OPTCR.nRST_STDBY) === 0;
  }

  /** BOR_LEV of the loaded option bytes: 3 = off, 2..0 = BOR levels 1..3 (RM0090 3.7.1). */
  get borLevel(): number {
    return (this.loadedOptions & FLASH_OPTCR.BOR_LEV_MASK) >>> FLASH_OPTCR.BOR_LEV_SHIFT;
  }

  /** FLASH_ACR.LATENCY: wait states the spine may charge per flash access (RM0090 3.5.1). */
  get latency(): number {
    return this.acr & FLASH_ACR.LATENCY_MASK;
  }

  /** Sector `index` is write-protected by the loaded nWRP bits (RM0090 3.7.4). */
  sectorWriteProtected(index: number): boolean {
    return ((this.loadedOptions >>> (FLASH_OPTCR.nWRP_SHIFT + index)) & 1) === 0;
  }

  /**
   * Resets the interface (RM0090 3.9: every register to its reset value, OPTCR reloaded from the
   * option bytes with OPTLOCK set, both key sequences locked again). The option bytes in force now
   * become those stored (RM0090 3.7: changes take effect at the next reset).
   *
   * Choice: an operation in progress is abandoned where it is. Sector and mass erase change the
   * array when they start, so the erased area reads erased; a program access also takes effect
   * when it starts; option programming commits only at its end, so an interrupted OPTSTRT leaves
   * the option bytes as they were (after a level 1 → 0 regression, main flash is then already
   * erased and the chip is still at level 1 — never the other way round).
   */
  reset(_kind: SocResetKind): void {
    this.operationTimer?.cancel();
    this.operationTimer = undefined;
    this.operation = undefined;
    this.deferred.length = 0;
    this.loadedOptions = this.storage.optionWord;
    this.acr = 0;
    this.sr = 0;
    this.cr = FLASH_CR.LOCK | 0;
    this.optcr = this.loadedOptions | FLASH_OPTCR.OPTLOCK;
    this.keyState = KEY_STATE.locked;
    this.optKeyState = KEY_STATE.locked;
    this.updateIrq();
  }

  /**
   * A store by the core or the debugger into main flash (0x08000000… or the alias at 0) or OTP
   * (0x1FFF7800–0x1FFF7A0F). Returns false, doing nothing, for any other address. Never throws.
   *
   * RM0090 3.6.4: with PG set the access programs (bits only go 1 → 0) and BSY stays set for
   * tprog; an access that breaks the rules is not performed and sets each flag that applies (a
   * stray store at start-up is reported on ST's forum to leave SR = 0xC0, PGSERR and PGPERR together):
   * - PGSERR: PG is clear, or an erase bit (SER/MER) is set with it (choice, RM0090 only says the
   *   erase would run first);
   * - PGAERR: the access is not aligned to its size (a misaligned access is the only way one could
   *   cross a 128-bit row; the core never issues one, a debugger might);
   * - PGPERR: the access size is not the PSIZE parallelism (x64 therefore always fails: no 64-bit
   *   AHB accesses exist);
   * - WRPERR: the sector's nWRP bit is 0, RDP level 1 with intrusion (`mainWriteBlocked`), or the
   *   OTP block's lock byte is 0x00 (RM0090 3.8).
   * OPERR accompanies any of them when ERRIE is set (RM0090 3.9.4).
   */
  programWrite(address: number, size: AccessSize, value: number): boolean {
    const a = address >>> 0;
    const mainOffset = mainFlashOffset(a);
    const otpOffset = a - MEMORY.OTP_BASE;
    const isOtp = mainOffset < 0 && otpOffset >= 0 && otpOffset < MEMORY.OTP_SIZE;
    if (mainOffset < 0 && !isOtp) return false;
    if (this.operation !== undefined) {
      this.deferred.push({ kind: 'program', address: a, size, value });
      return true;
    }
    let errors = 0;
    const cr = this.cr;
    if ((cr & FLASH_CR.PG) === 0 || (cr & (FLASH_CR.SER | FLASH_CR.MER)) !== 0) errors |= FLASH_SR.PGSERR;
    if ((a & (size - 1)) !== 0) errors |= FLASH_SR.PGAERR;
    if (size !== 1 << this.psize) errors |= FLASH_SR.PGPERR;
    if (isOtp ? this.otpLocked(otpOffset) : this.mainWriteBlocked(sectorIndexAt(mainOffset))) {
      errors |= FLASH_SR.WRPERR;
    }
    if (errors !== 0) {
      this.raiseErrors(errors);
      return true;
    }

    const array = isOtp ? this.storage.otp : this.storage.main;
    const base = isOtp ? otpOffset : mainOffset;
    let changed = false;
    for (let i = 0; i < size; i++) {
      const old = array[base + i]!;
      const programmed = old & (value >>> (8 * i));
      if (programmed !== old) {
        array[base + i] = programmed;
        changed = true;
      }
    }
    if (changed && !isOtp) this.hooks.codeChanged(MEMORY.FLASH_BASE + mainOffset, size);
    this.begin('program', PROGRAM_TIME_NS);
    return true;
  }

  // ---- registers ---------------------------------------------------------------------------------

  private readRegister(offset: number, size: AccessSize): number {
    switch (offset & ~3) {
      case FLASH_REG.ACR:
        return readLane(this.acr, offset, size);
      case FLASH_REG.SR:
        return readLane(this.sr | (this.operation === undefined ? 0 : FLASH_SR.BSY), offset, size);
      case FLASH_REG.CR:
        return readLane(this.cr, offset, size);
      case FLASH_REG.OPTCR:
        return readLane(this.optcr, offset, size);
      default:
        return 0; // KEYR and OPTKEYR are write-only; the rest of the 1 KiB block is reserved.
    }
  }

  private writeRegister(offset: number, size: AccessSize, value: number): void {
    switch (offset & ~3) {
      case FLASH_REG.ACR:
        this.writeAcr(mergeWrite(this.acr, offset, size, value));
        return;
      case FLASH_REG.KEYR:
        this.writeKey(offset, size, value, false);
        return;
      case FLASH_REG.OPTKEYR:
        this.writeKey(offset, size, value, true);
        return;
      case FLASH_REG.SR:
        this.sr &= ~(mergeWrite(0, offset, size, value) & FLASH_SR_W1C);
        this.updateIrq();
        return;
      case FLASH_REG.CR:
      case FLASH_REG.OPTCR:
        if (this.operation !== undefined) {
          this.deferred.push({ kind: 'register', offset, size, value });
          return;
        }
        if ((offset & ~3) === FLASH_REG.CR) this.writeCr(offset, size, value);
        else this.writeOptcr(offset, size, value);
        return;
      default:
        return;
    }
  }

  private writeAcr(value: number): void {
    let next = value & FLASH_ACR_WRITABLE;
    // RM0090 3.9.1: ICRST/DCRST can be written only while the cache is disabled.
    if ((this.acr & FLASH_ACR.ICEN) !== 0) next = (next & ~FLASH_ACR.ICRST) | (this.acr & FLASH_ACR.ICRST);
    if ((this.acr & FLASH_ACR.DCEN) !== 0) next = (next & ~FLASH_ACR.DCRST) | (this.acr & FLASH_ACR.DCRST);
    this.acr = next;
  }

  /**
   * RM0090 3.6.1 / 3.7.2: KEY1 then KEY2 unlocks; "any wrong sequence will return a bus error and
   * lock up the FLASH_CR [FLASH_OPTCR] register until the next reset". A wrong value, KEY2 first, a
   * key written while already unlocked (choice: the sequence has no valid third write; HAL and
   * OpenOCD check LOCK before writing keys for this reason), or a sub-word write all count as wrong.
   */
  private writeKey(offset: number, size: AccessSize, value: number, option: boolean): void {
    const state = option ? this.optKeyState : this.keyState;
    const key = size === 4 ? value >>> 0 : -1;
    const first = option ? FLASH_OPTKEY.OPTKEY1 : FLASH_KEY.KEY1;
    const second = option ? FLASH_OPTKEY.OPTKEY2 : FLASH_KEY.KEY2;
    let next: KeyState;
    if (state === KEY_STATE.locked && key === first) next = KEY_STATE.firstKey;
    else if (state === KEY_STATE.firstKey && key === second) next = KEY_STATE.unlocked;
    else next = KEY_STATE.lockedUntilReset;

    if (option) {
      this.optKeyState = next;
      if (next === KEY_STATE.unlocked) this.optcr &= ~FLASH_OPTCR.OPTLOCK;
      else this.optcr |= FLASH_OPTCR.OPTLOCK;
    } else {
      this.keyState = next;
      if (next === KEY_STATE.unlocked) this.cr &= ~FLASH_CR.LOCK;
      else this.cr |= FLASH_CR.LOCK;
    }
    if (next === KEY_STATE.lockedUntilReset) this.signalBusError(FLASH_R_BASE + offset, 'write');
  }

  /** RM0090 3.9.5. Ignored while LOCK is set (only the key sequence clears it). */
  private writeCr(offset: number, size: AccessSize, value: number): void {
    if (this.keyState !== KEY_STATE.unlocked) return;
    const written = mergeWrite(this.cr, offset, size, value) & FLASH_CR_WRITABLE;
    this.cr = written & ~FLASH_CR.STRT;
    if ((written & FLASH_CR.LOCK) !== 0) {
      this.keyState = KEY_STATE.locked; // at once: a STRT in the same write starts nothing
    } else if ((written & FLASH_CR.STRT) !== 0) {
      this.startErase();
    }
    this.updateIrq(); // EOPIE/ERRIE may have changed
  }

  /**
   * RM0090 3.6.3: SER + SNB + STRT erases one sector, MER + STRT the whole main array (OTP stays).
   * Choices where RM0090 only says the operation is not performed: SER and MER together (RM0090
   * "neither sector nor mass erase can be performed") and SNB 12–15 (no such sector on the F407)
   * set PGSERR. A protected sector, or any protected sector for a mass erase, sets WRPERR; so does
   * an erase under RDP level 1 intrusion (RM0090 3.7.3: no erase while the debugger is connected).
   * STRT with neither SER nor MER does nothing.
   */
  private startErase(): void {
    const cr = this.cr;
    const ser = (cr & FLASH_CR.SER) !== 0;
    const mer = (cr & FLASH_CR.MER) !== 0;
    if (!ser && !mer) return;
    const snb = (cr & FLASH_CR.SNB_MASK) >>> FLASH_CR.SNB_SHIFT;
    if ((ser && mer) || (ser && snb >= SECTOR_COUNT)) {
      this.raiseErrors(FLASH_SR.PGSERR);
      return;
    }
    const anyProtected = ((this.loadedOptions & FLASH_OPTCR.nWRP_MASK) | 0) !== (FLASH_OPTCR.nWRP_MASK | 0);
    if (ser ? this.mainWriteBlocked(snb) : anyProtected || this.readProtected(this.intrusion())) {
      this.raiseErrors(FLASH_SR.WRPERR);
      return;
    }
    this.cr |= FLASH_CR.STRT;
    if (ser) {
      const sector = SECTORS[snb]!;
      this.eraseMain(sector.offset, sector.size);
      this.begin('erase', sectorEraseTime(sector.size, this.psize));
    } else {
      this.eraseMain(0, MEMORY.FLASH_SIZE);
      this.begin('erase', massEraseTime(this.psize));
    }
  }

  /** RM0090 3.9.6. Ignored while OPTLOCK is set; OPTLOCK and OPTSTRT are set-only. */
  private writeOptcr(offset: number, size: AccessSize, value: number): void {
    if (this.optKeyState !== KEY_STATE.unlocked) return;
    const written = mergeWrite(this.optcr, offset, size, value);
    this.optcr = written & OPTCR_OPTION_BITS;
    if ((written & FLASH_OPTCR.OPTLOCK) !== 0) {
      this.optKeyState = KEY_STATE.locked;
      this.optcr |= FLASH_OPTCR.OPTLOCK;
      return;
    }
    if ((written & FLASH_OPTCR.OPTSTRT) !== 0) this.startOptionProgramming();
  }

  /**
   * OPTSTRT (RM0090 3.7.2): the user configuration sector is erased and reprogrammed with OPTCR's
   * option fields; they take effect at the next reset. Leaving level 1 for level 0 (RDP 0xAA
   * while the stored or loaded level is 1) first mass-erases main flash and the backup SRAM, never
   * OTP (RM0090 3.7.3). Level 2 is permanent: choice — while the stored or loaded RDP is 0xCC,
   * OPTSTRT changes nothing and sets no flag (RM0090: "the option bytes can no longer be changed").
   */
  private startOptionProgramming(): void {
    const stored = this.storage.optionWord;
    const storedLevel = rdpLevelOf(stored >>> FLASH_OPTCR.RDP_SHIFT);
    if (storedLevel === 2 || this.rdpLevel === 2) return;
    const next = this.optcr & OPTCR_OPTION_BITS;
    const nextRdp = (next & FLASH_OPTCR.RDP_MASK) >>> FLASH_OPTCR.RDP_SHIFT;
    const regression = nextRdp === RDP_LEVEL_0 && (storedLevel === 1 || this.rdpLevel === 1);
    let duration = optionProgramTime(this.psize);
    if (regression) {
      this.eraseMain(0, MEMORY.FLASH_SIZE);
      this.hooks.eraseBackupSram?.();
      duration += massEraseTime(this.psize);
    }
    this.optcr |= FLASH_OPTCR.OPTSTRT;
    this.pendingOptions = next;
    this.begin('options', duration);
  }

  // ---- the operation engine ----------------------------------------------------------------------

  private get psize(): Psize {
    return ((this.cr & FLASH_CR.PSIZE_MASK) >>> FLASH_CR.PSIZE_SHIFT) as Psize;
  }

  /**
   * nWRP, or RDP level 1 with intrusion: RM0090 3.7.3 / PM0059 2.6.3 allow no erase or program then
   * but give a bus error only for reads; choice: a refused program or erase sets WRPERR.
   */
  private mainWriteBlocked(sector: number): boolean {
    return this.sectorWriteProtected(sector) || (this.rdpLevel !== 0 && this.intrusion());
  }

  private otpLocked(otpOffset: number): boolean {
    if (otpOffset >= OTP_DATA_SIZE) return false; // the lock bytes themselves stay programmable
    return this.storage.otp[OTP_LOCK_OFFSET + Math.floor(otpOffset / OTP_BLOCK_SIZE)] === 0x00;
  }

  private eraseMain(offset: number, length: number): void {
    this.storage.main.fill(ERASED, offset, offset + length);
    this.hooks.codeChanged(MEMORY.FLASH_BASE + offset, length);
  }

  private begin(operation: Operation, duration: number): void {
    this.operation = operation;
    this.operationEnd = this.ctx.clock.now + duration;
    this.operationTimer = this.ctx.clock.scheduleAt(this.operationEnd, this.onOperationEnd);
  }

  /** BSY falls; STRT/OPTSTRT clear; EOP is set only when EOPIE is (RM0090 3.9.4). */
  private finish(): void {
    const operation = this.operation;
    this.operation = undefined;
    this.operationTimer = undefined;
    if (operation === 'erase') this.cr &= ~FLASH_CR.STRT;
    if (operation === 'options') {
      this.storage.optionWord = this.pendingOptions;
      this.optcr &= ~FLASH_OPTCR.OPTSTRT;
    }
    if ((this.cr & FLASH_CR.EOPIE) !== 0) this.sr |= FLASH_SR.EOP;
    this.updateIrq();
    this.replayDeferred();
  }

  private replayDeferred(): void {
    this.replaying = true;
    try {
      while (this.deferred.length > 0 && this.operation === undefined) {
        const access = this.deferred.shift()!;
        if (access.kind === 'program') this.programWrite(access.address, access.size, access.value);
        else this.writeRegister(access.offset, access.size, access.value);
      }
    } finally {
      this.replaying = false;
    }
  }

  /** The access's state change is done; the bus error goes to the master, if one is waiting. */
  private signalBusError(address: number, access: 'read' | 'write'): void {
    if (!this.replaying) this.hooks.busError?.(address, access);
  }

  private intrusion(): boolean {
    return this.hooks.debugIntrusion?.() ?? false;
  }

  private raiseErrors(errors: number): void {
    this.sr |= errors;
    if ((this.cr & FLASH_CR.ERRIE) !== 0) this.sr |= FLASH_SR.OPERR;
    this.updateIrq();
  }

  /** RM0090 3.6.5: EOP with EOPIE, any error flag with ERRIE. */
  private updateIrq(): void {
    const cr = this.cr;
    const eop = (cr & FLASH_CR.EOPIE) !== 0 && (this.sr & FLASH_SR.EOP) !== 0;
    const err = (cr & FLASH_CR.ERRIE) !== 0 && (this.sr & FLASH_SR_ERRORS) !== 0;
    this.irq(eop || err);
  }
}
