import { STLINK_PID, STLINK_VID } from '../../protocol/usb-ids.js';
import {
  featuresOf,
  limitsOf,
  type StLinkFeatures,
  type StLinkLimits,
  type StLinkVersion,
} from '../../protocol/version.js';
import { JTAG_DEFAULT_KHZ, SWD_DEFAULT_KHZ } from '../../protocol/speed.js';
import { V2_USB_TIMING, V3_USB_TIMING, type UsbTiming } from './timing.js';

export type ProbeModelName = 'v2-1' | 'v3';

/**
 * One kind of ST-Link as the virtual probe presents it: firmware version (hence features and limits,
 * derived by protocol/version.ts exactly as a host derives them), its clock options and USB timing.
 */
export interface ProbeModel {
  readonly name: ProbeModelName;
  readonly version: StLinkVersion;
  readonly features: StLinkFeatures;
  readonly limits: StLinkLimits;
  readonly usb: UsbTiming;
  /** The SWD clock after power-up, kHz. */
  readonly defaultSwdKHz: number;
  readonly defaultJtagKHz: number;
  /** V3: the kHz values GET_COM_FREQ lists, fastest first. V2 uses the divisor tables instead. */
  readonly swdComFrequencies: readonly number[];
  readonly jtagComFrequencies: readonly number[];
  /** The ADC count of the internal 1.2 V reference that GET_TARGET_VOLTAGE reports as "factor". */
  readonly voltageFactor: number;
  /** USB serial number, 24 upper-case hex digits. */
  readonly serial: string;
}

export interface ProbeModelOptions {
  /** Firmware JTAG/SWD version (the J in V2J40M27); changes which commands exist. */
  readonly jtag?: number;
  readonly pid?: number;
  readonly serial?: string;
}

/**
 * The STM32F4DISCOVERY's on-board ST-LINK/V2-A, which enumerates as a V2-1 (PID 0x374B) with mass
 * storage: V2J40M27 — GET_VERSION `2A 1B 83 04 4B 37` (docs/stlink-protocol.md §A.3).
 */
export function stLinkV2_1(options: ProbeModelOptions = {}): ProbeModel {
  const version: StLinkVersion = {
    stlink: 2,
    jtag: options.jtag ?? 40,
    swim: 0,
    msd: 27,
    bridge: 0,
    vid: STLINK_VID,
    pid: options.pid ?? STLINK_PID.V2_1,
    api: 2,
  };
  return {
    name: 'v2-1',
    version,
    features: featuresOf(version),
    limits: limitsOf(version),
    usb: V2_USB_TIMING,
    defaultSwdKHz: SWD_DEFAULT_KHZ,
    defaultJtagKHz: JTAG_DEFAULT_KHZ,
    swdComFrequencies: [],
    jtagComFrequencies: [],
    voltageFactor: 1552,
    serial: options.serial ?? '066DFF485457725187092347',
  };
}

/**
 * An STLINK-V3E (PID 0x374E) with V3J7M3B5S1. Its clock lists are those V3 firmware reports: SWD up to
 * 24 MHz, JTAG up to 21.333 MHz (GET_COM_FREQ holds at most 10 entries).
 */
export function stLinkV3(options: ProbeModelOptions = {}): ProbeModel {
  const version: StLinkVersion = {
    stlink: 3,
    jtag: options.jtag ?? 7,
    swim: 1,
    msd: 3,
    bridge: 5,
    vid: STLINK_VID,
    pid: options.pid ?? STLINK_PID.V3E,
    api: 3,
  };
  return {
    name: 'v3',
    version,
    features: featuresOf(version),
    limits: limitsOf(version),
    usb: V3_USB_TIMING,
    defaultSwdKHz: 1000,
    defaultJtagKHz: 1000,
    swdComFrequencies: [24000, 8000, 3300, 1000, 200, 50, 5],
    jtagComFrequencies: [21333, 16000, 12000, 8000, 6000, 4000, 2000, 1000, 500, 250],
    voltageFactor: 1552,
    serial: options.serial ?? '003A00293137510B33333639',
  };
}

export function probeModel(name: ProbeModelName, options: ProbeModelOptions = {}): ProbeModel {
  return name === 'v3' ? stLinkV3(options) : stLinkV2_1(options);
}
