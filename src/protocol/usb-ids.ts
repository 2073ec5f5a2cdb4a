/**
 * The ST-Link USB identities (docs/stlink-protocol.md §A.1): ST's vendor id, every product id by the
 * hardware it stands for, and the ones swdkit drives with their bulk endpoints. The one table the
 * WebUSB transport, the udev rule, the stlink-server client, the version decoder and the virtual probe
 * share.
 *
 * WebUSB names an endpoint by its number without the direction bit: OUT 0x02 is 2, IN 0x81 is 1,
 * trace IN 0x83 is 3.
 */
export const STLINK_VID = 0x0483;

/** USB product ids and the hardware generation they stand for. */
export const STLINK_PID = {
  /** Mass-storage (SCSI) protocol: not driven. */
  V1: 0x3744,
  V2: 0x3748,
  V2_1: 0x374b,
  V2_1_NO_MSD: 0x3752,
  /** The V3 boot loader: no debug firmware, not driven. */
  V3_USBLOADER: 0x374d,
  V3E: 0x374e,
  V3S: 0x374f,
  V3_2VCP: 0x3753,
  V3E_NO_MSD: 0x3754,
} as const;

/** A product swdkit drives over USB: its name and bulk endpoints. */
export interface StLinkUsbModel {
  readonly pid: number;
  readonly model: string;
  readonly outEndpoint: number;
  readonly inEndpoint: number;
  readonly traceEndpoint: number;
}

const V2_ENDPOINTS = { outEndpoint: 2, inEndpoint: 1, traceEndpoint: 3 } as const;
const V21_ENDPOINTS = { outEndpoint: 1, inEndpoint: 1, traceEndpoint: 2 } as const;

export const STLINK_USB_MODELS: readonly StLinkUsbModel[] = [
  { pid: STLINK_PID.V2, model: 'ST-LINK/V2', ...V2_ENDPOINTS },
  { pid: STLINK_PID.V2_1, model: 'ST-LINK/V2-1', ...V21_ENDPOINTS },
  { pid: STLINK_PID.V2_1_NO_MSD, model: 'ST-LINK/V2-1 (no MSD)', ...V21_ENDPOINTS },
  { pid: STLINK_PID.V3E, model: 'STLINK-V3E', ...V21_ENDPOINTS },
  { pid: STLINK_PID.V3S, model: 'STLINK-V3S', ...V21_ENDPOINTS },
  { pid: STLINK_PID.V3_2VCP, model: 'STLINK-V3 (2 VCP)', ...V21_ENDPOINTS },
  { pid: STLINK_PID.V3E_NO_MSD, model: 'STLINK-V3E (no MSD)', ...V21_ENDPOINTS },
];

/** The driven model with this VID/PID, or undefined (another vendor's device, V1, the boot loader). */
export function stLinkUsbModel(vid: number, pid: number): StLinkUsbModel | undefined {
  return vid === STLINK_VID ? STLINK_USB_MODELS.find((m) => m.pid === pid) : undefined;
}
