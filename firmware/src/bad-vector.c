/*
 * bad-vector: an image whose vector table sends the core outside flash at reset.
 *
 * This program does not use common/startup.c: it has its own 16-entry vector table, in which
 *   entry 0 (initial SP)   = top of SRAM (valid),
 *   entry 1 (Reset)        = 0x08100001: Thumb code just past the end of the STM32F407VG's 1 MiB of
 *                            flash, a reserved region (RM0090 section 2.3, Figure 18),
 *   entry 3 (HardFault)    = bad_vector_hardfault (valid, in flash),
 *   every other entry      = bad_vector_hardfault too.
 * What the core does (ARMv7-M ARM B1.5.5 "Reset behavior", B3.5): it loads SP and PC from the table
 * and fetches its first instruction from 0x08100000, which the bus answers with an error: an
 * instruction bus fault (CFSR.IBUSERR). BusFault is disabled at reset (SHCSR.BUSFAULTENA = 0), so it
 * escalates to HardFault (HFSR.FORCED) with the stacked PC = 0x08100000. The HardFault handler
 * records that and loops in handler mode (IPSR = 3).
 *
 * The image is what a wrong linker script or a truncated/misplaced vector table produces: a program
 * that never runs its first instruction.
 *
 * How a debugger or test observes it:
 *   bad_vector_faults      volatile uint32_t, +1 per HardFault entry (1)
 *   bad_vector_stacked_pc  volatile uint32_t, the stacked PC (0x08100000)
 *   bad_vector_cfsr/hfsr   SCB_CFSR (IBUSERR, bit 8) and SCB_HFSR (FORCED, bit 30) in the handler
 *   SCB_CFSR (0xE000ED28) bit 8 set, SCB_HFSR (0xE000ED2C) bit 30 set; the core loops in
 *   bad_vector_hardfault with IPSR = 3.
 */
#include <stdint.h>
#include "stm32f407.h"

volatile uint32_t bad_vector_faults;
volatile uint32_t bad_vector_stacked_pc;
volatile uint32_t bad_vector_cfsr;
volatile uint32_t bad_vector_hfsr;

void bad_vector_hardfault(void);
__attribute__((used, noreturn)) void bad_vector_record(const uint32_t *frame);

/* No C runtime start-up ran (there is no Reset handler): the globals are in .bss only by name, so
 * the handler writes them without relying on their initial values. */
__attribute__((naked)) void bad_vector_hardfault(void)
{
    __asm volatile(
        "mrs   r0, msp             \n"
        "b     bad_vector_record   \n");
}

__attribute__((used, noreturn)) void bad_vector_record(const uint32_t *frame)
{
    bad_vector_stacked_pc = frame[6];
    bad_vector_cfsr = SCB_CFSR;
    bad_vector_hfsr = SCB_HFSR;
    bad_vector_faults++;
    for (;;) {
        __asm volatile("" ::: "memory");
    }
}

__asm__(
    "  .section .isr_vector,\"a\",%progbits \n"
    "  .global  bad_vector_table            \n"
    "  .type    bad_vector_table, %object   \n"
    "bad_vector_table:                      \n"
    "  .word    _estack                     \n" /*  0 initial SP: valid */
    "  .word    0x08100001                  \n" /*  1 Reset: past the end of flash */
    "  .word    bad_vector_hardfault        \n" /*  2 NMI */
    "  .word    bad_vector_hardfault        \n" /*  3 HardFault */
    "  .word    bad_vector_hardfault        \n" /*  4 MemManage */
    "  .word    bad_vector_hardfault        \n" /*  5 BusFault */
    "  .word    bad_vector_hardfault        \n" /*  6 UsageFault */
    "  .word    0, 0, 0, 0                  \n" /*  7-10 reserved */
    "  .word    bad_vector_hardfault        \n" /* 11 SVCall */
    "  .word    bad_vector_hardfault        \n" /* 12 DebugMonitor */
    "  .word    0                           \n" /* 13 reserved */
    "  .word    bad_vector_hardfault        \n" /* 14 PendSV */
    "  .word    bad_vector_hardfault        \n" /* 15 SysTick */
    "  .size    bad_vector_table, . - bad_vector_table \n");

/* The linker's ENTRY symbol: the address the table's Reset entry names (there is no code there). */
__asm__(
    "  .global  Reset_Handler               \n"
    "  .set     Reset_Handler, 0x08100001   \n");
