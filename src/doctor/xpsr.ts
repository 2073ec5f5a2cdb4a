/** xPSR's IPSR field (ARM DDI 0403E B1.4.2): the active exception number, 0 in Thread mode, 3 HardFault. */
export const XPSR_IPSR_MASK = 0x1ff;
