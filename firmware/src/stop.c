/*
 * stop: firmware that puts the chip into Stop mode, with no wake-up source, shortly after boot.
 *
 * Shows: DBGMCU_CR is cleared first (DBG_STOP = 0: the clocks really stop in Stop mode, so a probe
 * cannot access the core or memory), then about 200 ms after reset the program enters Stop (RM0090
 * section 5.3.6): PWR_CR.PDDS = 0 (Stop, not Standby), PWR_CR.LPDS = 1 (regulator in low-power mode),
 * SCB_SCR.SLEEPDEEP = 1, WFI. Nothing can wake it: every EXTI line is masked (EXTI_IMR = EXTI_EMR = 0,
 * no edge selected, pending bits cleared), every NVIC interrupt is disabled and un-pended (a pending
 * *enabled* interrupt would end WFI even with PRIMASK set), SysTick is off, and PRIMASK is set. Unlike
 * Standby, SRAM and registers are kept, so after a connect under reset the variables below are those
 * of the new run.
 *
 * How a debugger or test observes it:
 *   stop_stage     volatile uint32_t: 1 = main entered, 2 = DBGMCU_CR cleared, 3 = wake-up sources
 *                  off, 4 = executing WFI
 *   stop_wakeups   volatile uint32_t, +1 each time WFI returns (should stay 0)
 *   stop_delay_ms  const (in flash), the delay before Stop (200)
 *   DBGMCU_CR (0xE0042004) = 0; PWR_CR (0x40007000) has LPDS (bit 0) set and PDDS (bit 1) clear;
 *   SCB_SCR (0xE000ED10) has SLEEPDEEP (bit 2) set.
 */
#include <stdint.h>
#include "stm32f407.h"

KEEP_CONST(stop_delay_ms) const uint32_t stop_delay_ms = 200u;
volatile uint32_t stop_stage;
volatile uint32_t stop_wakeups;

int main(void)
{
    stop_stage = 1;
    DBGMCU_CR = 0;
    stop_stage = 2;

    delay_ms_hsi(stop_delay_ms);   /* leaves SysTick disabled */

    cpsid_i();
    EXTI_IMR = 0;
    EXTI_EMR = 0;
    EXTI_RTSR = 0;
    EXTI_FTSR = 0;
    EXTI_PR = 0xFFFFFFFFu;   /* write 1 to clear */
    for (uint32_t n = 0; n < (STM32F407_IRQ_COUNT + 31u) / 32u; n++) {
        NVIC_ICER(n) = 0xFFFFFFFFu;
        NVIC_ICPR(n) = 0xFFFFFFFFu;
    }
    SCB_ICSR = SCB_ICSR_PENDSTCLR | SCB_ICSR_PENDSVCLR;
    SCB_SCR &= ~SCB_SCR_SEVONPEND;
    stop_stage = 3;

    RCC_APB1ENR |= RCC_APB1ENR_PWREN;
    (void)RCC_APB1ENR;
    PWR_CR = (PWR_CR & ~PWR_CR_PDDS) | PWR_CR_LPDS;
    SCB_SCR |= SCB_SCR_SLEEPDEEP;
    (void)PWR_CR;
    stop_stage = 4;
    dsb();
    for (;;) {
        wfi();
        stop_wakeups++;
    }
}
