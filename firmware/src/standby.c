/*
 * standby: firmware that puts the chip into Standby mode shortly after every boot.
 *
 * Shows: DBGMCU_CR is cleared first (DBG_STANDBY = 0, so the debug logic is not kept powered in
 * Standby: a probe loses the target), then about 200 ms after reset the program enters Standby
 * (RM0090 section 5.3.7): RCC_APB1ENR.PWREN = 1, PWR_CR.CWUF = 1 (clear WUF), PWR_CR.PDDS = 1
 * (Standby rather than Stop on deep sleep), SCB_SCR.SLEEPDEEP = 1, WFI. Nothing wakes it but a reset
 * (NRST, which restarts the program, which goes back to Standby) since no wake-up pin (PWR_CSR.EWUP)
 * or RTC event is enabled. In Standby the 1.2 V domain is off: SRAM and registers are lost.
 *
 * How a debugger or test observes it:
 *   standby_stage          volatile uint32_t: 1 = main entered, 2 = DBGMCU_CR cleared, 3 = PWR
 *                          configured, 4 = executing WFI (5 = WFI returned: should never be seen)
 *   standby_woke_from_standby  volatile uint32_t: PWR_CSR.SBF as read at boot (1 after a reset out
 *                          of Standby), then SBF is cleared with PWR_CR.CSBF
 *   standby_delay_ms       const (in flash), the delay before Standby (200)
 *   DBGMCU_CR (0xE0042004) reads 0; PWR_CR (0x40007000) has PDDS (bit 1) set; SCB_SCR (0xE000ED10)
 *   has SLEEPDEEP (bit 2) set. A probe must connect under reset to halt it before stage 4.
 */
#include <stdint.h>
#include "stm32f407.h"

KEEP_CONST(standby_delay_ms) const uint32_t standby_delay_ms = 200u;
volatile uint32_t standby_stage;
volatile uint32_t standby_woke_from_standby;

int main(void)
{
    standby_stage = 1;
    DBGMCU_CR = 0;
    standby_stage = 2;

    RCC_APB1ENR |= RCC_APB1ENR_PWREN;
    (void)RCC_APB1ENR;
    standby_woke_from_standby = (PWR_CSR & PWR_CSR_SBF) ? 1u : 0u;
    PWR_CR |= PWR_CR_CSBF;

    delay_ms_hsi(standby_delay_ms);

    cpsid_i();
    PWR_CR |= PWR_CR_CWUF;
    PWR_CR |= PWR_CR_PDDS;
    SCB_SCR |= SCB_SCR_SLEEPDEEP;
    standby_stage = 3;
    (void)PWR_CR;   /* make sure the writes reached the PWR block */
    standby_stage = 4;
    dsb();
    for (;;) {
        wfi();
        standby_stage = 5;
    }
}
