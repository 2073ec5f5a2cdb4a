/**
 * ST-Link USB identities and bulk endpoints (stlink-openocd-0.12.md A.1). WebUSB names an endpoint by
 * its number without the direction bit: OUT 0x02 is 2, IN 0x81 is 1, trace IN 0x83 is 3.
 */
export const STLINK_USB_VID = 0x0483;

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
  { pid: 0x3748, model: 'ST-LINK/V2', ...V2_ENDPOINTS },
  { pid: 0x374b, model: 'ST-LINK/V2-1', ...V21_ENDPOINTS },
  { pid: 0x3752, model: 'ST-LINK/V2-1 (no MSD)', ...V21_ENDPOINTS },
  { pid: 0x374e, model: 'STLINK-V3E', ...V21_ENDPOINTS },
  { pid: 0x374f, model: 'STLINK-V3S', ...V21_ENDPOINTS },
  { pid: 0x3753, model: 'STLINK-V3 (2 VCP)', ...V21_ENDPOINTS },
  { pid: 0x3754, model: 'STLINK-V3E (no MSD)', ...V21_ENDPOINTS },
];

export function stLinkUsbModel(vid: number, pid: number): StLinkUsbModel | undefined {
  return vid === STLINK_USB_VID ? STLINK_USB_MODELS.find((m) => m.pid === pid) : undefined;
}
