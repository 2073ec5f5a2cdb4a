/*
 * TEMPORARY: the Session surface the CLI uses, restated from the binding contract
 * (/work/session-contract.md) until src/session.ts lands on main; then this file goes and the
 * commands import the real types.
 */
import type { Image } from '../flash/image/types.js';
import type { FlashReport } from '../flash/program-image.js';
import type { FlashProgress } from '../flash/progress.js';
import type { Stm32f4Options } from '../flash/stm32f4/option-bytes.js';
import type { StLink } from '../probe/stlink.js';

export type ConnectStrategy = 'normal' | 'under-reset' | 'attach' | 'auto';
export type ResetMethod = 'auto' | 'nrst' | 'sysresetreq' | 'vectreset';
export type CoreState = 'running' | 'halted' | 'sleeping' | 'locked-up' | 'in-reset';

export interface ConnectOptions {
  readonly strategy?: ConnectStrategy;
  readonly speedKHz?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface ConnectAttempt {
  readonly method: 'normal' | 'slow-clock' | 'under-reset' | 'attach';
  readonly speedKHz: number;
  readonly ok: boolean;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface ConnectReport {
  readonly method: ConnectAttempt['method'];
  readonly speedKHz: number;
  readonly attempts: readonly ConnectAttempt[];
  readonly explanation?: string;
  readonly targetVolts: number;
  readonly coreWasHalted: boolean;
}

export interface Consent {
  readonly yes: boolean;
  readonly ask?: (question: string) => Promise<boolean>;
  readonly permanentConfirmation?: (uniqueId: string) => Promise<boolean>;
}

export interface ChipInfo {
  readonly name: string;
  readonly devId: number;
  readonly revision: string;
  readonly idcode: number;
  readonly flashSize: number;
  readonly uniqueId: string;
  readonly sectors: readonly { index: number; address: number; size: number }[];
}

export interface FlashOptions {
  readonly verify?: boolean;
  readonly fullErase?: boolean;
  readonly progress?: FlashProgress;
}

export type CoreRegisters = Readonly<Record<string, number | undefined>>;

export interface Session {
  readonly stlink: StLink;
  readonly chip: ChipInfo;
  readonly connectReport: ConnectReport;
  flash(image: Image, source: string, options?: FlashOptions): Promise<FlashReport>;
  massErase(consent: Consent, progress?: FlashProgress): Promise<void>;
  eraseSectors(indexes: readonly number[], consent: Consent, progress?: FlashProgress): Promise<void>;
  readMemory(address: number, length: number): Promise<Uint8Array>;
  writeMemory(address: number, data: Uint8Array): Promise<void>;
  readOptions(): Promise<Stm32f4Options>;
  setReadProtection(level: 0 | 1 | 2, consent: Consent): Promise<void>;
  setWriteProtection(
    change: { protect?: readonly number[]; unprotect?: readonly number[] },
    consent: Consent,
  ): Promise<void>;
  reset(options: { method?: ResetMethod; halt?: boolean }): Promise<{ method: Exclude<ResetMethod, 'auto'> }>;
  halt(): Promise<void>;
  resume(): Promise<void>;
  step(): Promise<number>;
  registers(): Promise<CoreRegisters>;
  state(): Promise<CoreState>;
  disconnect(options?: { resume?: boolean }): Promise<void>;
}

export type ConnectSession = (stlink: StLink, options?: ConnectOptions) => Promise<Session>;
