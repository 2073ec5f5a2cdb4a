/*
 * hardfault: firmware that takes a HardFault on purpose and records why.
 *
 * Shows: main calls (BLX) the address 0xFFFFFFF1, i.e. Thumb code at 0xFFFFFFF0. In thread mode that
 * is an ordinary branch (EXC_RETURN values are only special in handler mode), and 0xE0000000-
 * 0xFFFFFFFF is Execute Never in the ARMv7-M default memory map (ARMv7-M ARM B3.1), so the
 * instruction fetch takes a MemManage fault (CFSR.IACCVIOL). MemManage is disabled at reset
 * (SHCSR.MEMFAULTENA = 0), so it escalates to HardFault with HFSR.FORCED. The HardFault handler saves
 * the fault status registers and the stacked frame into the globals below and loops: the core stays
 * in handler mode (IPSR = 3) for a debugger to inspect.
 *
 * How a debugger or test observes it (expected values on an STM32F407):
 *   hardfault_count    volatile uint32_t, 1 once the handler ran
 *   hardfault_cfsr     SCB_CFSR  (0xE000ED28) = 0x00000001 (IACCVIOL)
 *   hardfault_hfsr     SCB_HFSR  (0xE000ED2C) = 0x40000000 (FORCED)
 *   hardfault_mmfar, hardfault_bfar: SCB_MMFAR/SCB_BFAR (not valid: MMARVALID/BFARVALID clear)
 *   hardfault_stacked_pc   0xFFFFFFF0 (the faulting fetch address)
 *   hardfault_stacked_lr   return address into main (odd: Thumb), set by the BLX
 *   hardfault_stacked_xpsr T bit (bit 24) set
 *   hardfault_exc_return   LR on handler entry, 0xFFFFFFF9 (thread mode, main stack, no FP context)
 *   hardfault_stage    volatile uint32_t: 1 = main entered, 2 = about to branch (3 = the branch
 *                      returned: never seen)
 *   The core halts with IPSR = 3 in HardFault_Handler's loop (hardfault_loop).
 */
#include <stdint.h>
#include "stm32f407.h"

#define BAD_TARGET 0xFFFFFFF1u

volatile uint32_t hardfault_stage;
volatile uint32_t hardfault_count;
volatile uint32_t hardfault_cfsr;
volatile uint32_t hardfault_hfsr;
volatile uint32_t hardfault_mmfar;
volatile uint32_t hardfault_bfar;
volatile uint32_t hardfault_stacked_r0;
volatile uint32_t hardfault_stacked_lr;
volatile uint32_t hardfault_stacked_pc;
volatile uint32_t hardfault_stacked_xpsr;
volatile uint32_t hardfault_exc_return;

void HardFault_Handler(void);
__attribute__((used, noreturn)) void hardfault_record(const uint32_t *frame, uint32_t exc_return);
__attribute__((noinline, noreturn)) void hardfault_loop(void);

/* Picks the stack the frame was pushed on (EXC_RETURN bit 2) and hands it to C. */
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile(
        "tst   lr, #4        \n"
        "ite   eq            \n"
        "mrseq r0, msp       \n"
        "mrsne r0, psp       \n"
        "mov   r1, lr        \n"
        "b     hardfault_record \n");
}

__attribute__((noinline, noreturn)) void hardfault_loop(void)
{
    for (;;) {
        __asm volatile("" ::: "memory");
    }
}

__attribute__((used, noreturn)) void hardfault_record(const uint32_t *frame, uint32_t exc_return)
{
    hardfault_cfsr = SCB_CFSR;
    hardfault_hfsr = SCB_HFSR;
    hardfault_mmfar = SCB_MMFAR;
    hardfault_bfar = SCB_BFAR;
    hardfault_stacked_r0 = frame[0];
    hardfault_stacked_lr = frame[5];
    hardfault_stacked_pc = frame[6];
    hardfault_stacked_xpsr = frame[7];
    hardfault_exc_return = exc_return;
    hardfault_count++;
    hardfault_loop();
}

int main(void)
{
    hardfault_stage = 1;
    void (*bad)(uint32_t) = (void (*)(uint32_t))(uintptr_t)BAD_TARGET;
    __asm volatile("" : "+r"(bad));   /* keep the call: the compiler must not reason about it */
    hardfault_stage = 2;
    bad(0x600DF00Du);
    hardfault_stage = 3;
    for (;;) {
    }
}
