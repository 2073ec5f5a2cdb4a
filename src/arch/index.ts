/**
 * The architecture's own facts, as pure data: ARMv7-M debug and system registers (ARM DDI 0403E, the
 * ARMv7-M Architecture Reference Manual) and ADIv5 debug and access port registers (ARM IHI 0031C,
 * ADIv5.2), named as those manuals name them. The host side, the virtual board and the tests import
 * them from here; the peer tests (OpenOCD, gdb, QEMU) are the independent check that they are right.
 *
 * Conventions: `*_REG` tables hold addresses (memory-mapped registers) or register offsets (DP and
 * AP); an object named after a register holds its fields. A one-bit field is its mask; a wider field
 * has `*_SHIFT` and an in-place `*_MASK`; keys are given in place (DHCSR.DBGKEY = 0xA05F0000).
 * Implementation values (a Cortex-M4's CPUID, an STM32's DPIDR) and chip registers are not here.
 */
export * from './armv7m/memory-map.js';
export * from './armv7m/debug.js';
export * from './armv7m/regsel.js';
export * from './armv7m/scb.js';
export * from './armv7m/special-registers.js';
export * from './armv7m/nvic.js';
export * from './armv7m/systick.js';
export * from './armv7m/dwt.js';
export * from './armv7m/fpb.js';
export * from './adiv5/swd.js';
export * from './adiv5/dp.js';
export * from './adiv5/ap.js';
