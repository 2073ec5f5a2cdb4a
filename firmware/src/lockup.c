/*
 * lockup: an image on which the Cortex-M4 locks up straight out of reset.
 *
 * This program does not use common/startup.c: it has its own 16-entry vector table, in which
 *   entry 0 (initial SP)   = top of SRAM (valid),
 *   entry 1 (Reset)        = the address of lockup_code with bit 0 CLEAR,
 *   entry 3 (HardFault)    = the same address, bit 0 CLEAR,
 *   NMI, MemManage, BusFault, UsageFault, SVCall, PendSV, SysTick: the same address, bit 0 clear.
 * Why it locks up (ARMv7-M ARM B1.5.5 "Reset behavior", B1.5.15 "Unrecoverable exception cases"):
 *   1. On reset the core loads PC from entry 1 and EPSR.T from its bit 0, here 0. The core only
 *      executes Thumb, so the first instruction fetch with EPSR.T = 0 raises a UsageFault, INVSTATE,
 *      with the PC at lockup_code (valid flash: the code there is fine, only the T bit is wrong).
 *   2. UsageFault is disabled at reset (SHCSR.USGFAULTENA = 0), so it escalates to HardFault
 *      (HFSR.FORCED = 1, CFSR.INVSTATE = 1). Taking HardFault loads the PC and EPSR.T from entry 3,
 *      again with T = 0.
 *   3. The first instruction of the HardFault handler therefore faults again (INVSTATE) while the
 *      execution priority is -1 (HardFault active). A fault that would escalate to HardFault when
 *      HardFault is already active cannot be taken: the core enters Lockup. It stops executing,
 *      sets PC to 0xEFFFFFFE (ARMv7-M B1.5.15; ARMv6-M uses 0xFFFFFFFE), asserts its LOCKUP output, and stays there until a reset, an NMI (here
 *      with an invalid vector too) or a debugger halt. The STM32F407 does not reset on LOCKUP.
 * How a debugger or test observes it: after a halt, DHCSR.S_LOCKUP (0xE000EDF0 bit 19) reads 1 while
 * running; the halted PC reads 0xEFFFFFFE (or, for a debugger that halts at reset via
 * DEMCR.VC_CORERESET, 0x08000xxx = lockup_code with xPSR.T = 0); IPSR = 3 (HardFault active);
 * SCB_CFSR (0xE000ED28) has INVSTATE (bit 17) set, SCB_HFSR (0xE000ED2C) has FORCED (bit 30) set.
 * lockup_code itself would merely spin (it is never executed).
 */
#include <stdint.h>

/*
 * The vector table is written in assembly: lockup_code is a plain label, not a .thumb_func, so
 * `.word lockup_code` is its even address (bit 0 = 0), exactly what is wanted here. In C an address
 * of a function would always have bit 0 set.
 */
__asm__(
    "  .section .isr_vector,\"a\",%progbits \n"
    "  .global  lockup_vectors              \n"
    "  .type    lockup_vectors, %object     \n"
    "lockup_vectors:                        \n"
    "  .word    _estack                     \n" /*  0 initial SP: valid */
    "  .word    lockup_code                 \n" /*  1 Reset: T bit clear */
    "  .word    lockup_code                 \n" /*  2 NMI */
    "  .word    lockup_code                 \n" /*  3 HardFault: T bit clear */
    "  .word    lockup_code                 \n" /*  4 MemManage */
    "  .word    lockup_code                 \n" /*  5 BusFault */
    "  .word    lockup_code                 \n" /*  6 UsageFault */
    "  .word    0, 0, 0, 0                  \n" /*  7-10 reserved */
    "  .word    lockup_code                 \n" /* 11 SVCall */
    "  .word    lockup_code                 \n" /* 12 DebugMonitor */
    "  .word    0                           \n" /* 13 reserved */
    "  .word    lockup_code                 \n" /* 14 PendSV */
    "  .word    lockup_code                 \n" /* 15 SysTick */
    "  .size    lockup_vectors, . - lockup_vectors \n"
    "                                       \n"
    "  .text                                \n"
    "  .thumb                               \n"
    "  .global  lockup_code                 \n"
    "  .type    lockup_code, %object        \n" /* an object, so the linker never sets bit 0 */
    "  .p2align 2                           \n"
    "lockup_code:                           \n"
    "  b        lockup_code                 \n"
    "  .size    lockup_code, . - lockup_code \n");

/* Referenced so the linker's ENTRY symbol exists; this is the same address as vector 1 (bit 0 clear). */
__asm__(
    "  .global  Reset_Handler               \n"
    "  .set     Reset_Handler, lockup_code  \n");
