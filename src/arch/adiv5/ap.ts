/**
 * A Memory Access Port's registers (ARM IHI 0031C, ADIv5.2, C2.6 "MEM-AP register descriptions"). An
 * AP register is addressed by SELECT.APBANKSEL (bits 7:4 of the offset) and A[3:2] on the wire.
 */

/** MEM-AP register offsets (C2.6, register summary). IDR is at 0xFC in every AP. */
export const MEM_AP_REG = {
  CSW: 0x00,
  TAR: 0x04,
  DRW: 0x0c,
  /** Banked Data Registers: TAR[31:4] + 4n, without auto-increment. */
  BD0: 0x10,
  BD1: 0x14,
  BD2: 0x18,
  BD3: 0x1c,
  CFG: 0xf4,
  BASE: 0xf8,
  IDR: 0xfc,
} as const;

/** Control/Status Word (C2.6, CSW). */
export const CSW = {
  SIZE_MASK: 0x7,
  ADDRINC_SHIFT: 4,
  ADDRINC_MASK: 0x3 << 4,
  /** Transfers to the memory system are permitted (DbgStatus on the Cortex-M AHB-AP). */
  DEVICEEN: 1 << 6,
  /** A transfer is still in progress on the memory bus. */
  TRINPROG: 1 << 7,
  MODE_SHIFT: 8,
  MODE_MASK: 0xf << 8,
  SPIDEN: 1 << 23,
  /** Bus access protection, IMPLEMENTATION DEFINED: see AHB_AP_CSW for the Cortex-M AHB-AP. */
  PROT_SHIFT: 24,
  PROT_MASK: 0x7f << 24,
  DBGSWENABLE: 1 << 31,
} as const;

/** CSW.Size (C2.6, CSW): the access size of DRW and BDn transfers. */
export const CSW_SIZE = {
  BYTE: 0b000,
  HALFWORD: 0b001,
  WORD: 0b010,
} as const;

/** CSW.AddrInc (C2.6, CSW): TAR auto-increment after a DRW transfer. */
export const CSW_ADDRINC = {
  OFF: 0b00,
  SINGLE: 0b01,
  PACKED: 0b10,
} as const;

/** BASE (C2.6, BASE): where the AP's debug components are described (a ROM table), if anywhere. */
export const MEM_AP_BASE = {
  /** A debug entry is present. */
  P: 1 << 0,
  /** 1: the ADIv5 format (0: legacy). */
  FORMAT: 1 << 1,
  BASEADDR_MASK: 0xffff_f000,
} as const;

/**
 * The Prot bits of CSW as the Cortex-M3/M4 AHB-AP uses them (Cortex-M4 TRM r0p1 and Cortex-M3 TRM,
 * AHB-AP): HPROT[0] data access, HPROT[1] privileged, and MasterType (1: the access is the
 * debugger's).
 */
export const AHB_AP_CSW = {
  HPROT0: 1 << 24,
  HPROT1: 1 << 25,
  MASTERTYPE: 1 << 29,
} as const;

/**
 * TAR auto-increment is only guaranteed within the low 10 bits of TAR (C2.2.2): a host that streams
 * across a 1 KiB boundary must write TAR again. Some MEM-APs carry further (the Cortex-M3/M4 AHB-AP:
 * 4 KiB).
 */
export const TAR_AUTOINCREMENT_MIN_BLOCK = 0x400;
