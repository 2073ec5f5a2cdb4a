/*
 * stop-reset: firmware that makes every Stop entry a reset, by its option bytes, and then enters Stop.
 *
 * Shows: on its first boot (FLASH_OPTCR.nRST_STOP, bit 6, reads 1) the program clears nRST_STOP in
 * the option bytes (RM0090 section 3.7.1: "0: reset generated when entering Stop mode") with the
 * FLASH_OPTKEYR / OPTSTRT sequence of section 3.7.2, then resets itself (SCB_AIRCR.SYSRESETREQ) so
 * that the new value is loaded. On every boot after that it waits about 200 ms (SysTick at the HSI
 * reset clock), then enters Stop (PWR_CR.PDDS = 0, SCB_SCR.SLEEPDEEP = 1, WFI) — which, with
 * nRST_STOP = 0, resets the chip instead (RCC_CSR.LPWRRSTF). The board reboots about five times a
 * second, for good: erasing the flash does not change the option bytes.
 *
 * How a debugger or test observes it:
 *   stop_reset_stage   volatile uint32_t: 1 = main entered, 2 = option bytes written (a reset
 *                      follows), 3 = delay over, 4 = executing WFI
 *   stop_reset_flags   volatile uint32_t: RCC_CSR bits 31:24 as read at boot (LPWRRSTF = bit 31
 *                      after a Stop entry); the flags are NOT cleared, so a debugger sees them too
 *   stop_reset_delay_ms  const (in flash), the delay before Stop (200)
 *   FLASH_OPTCR (0x40023C14) bit 6 (nRST_STOP) reads 0 after the first boot.
 */
#include <stdint.h>
#include "stm32f407.h"

#define FLASH_OPTCR_nRST_STOP (1u << 6)

KEEP_CONST(stop_reset_delay_ms) const uint32_t stop_reset_delay_ms = 200u;
volatile uint32_t stop_reset_stage;
volatile uint32_t stop_reset_flags;

static void wait_not_busy(void)
{
    while (FLASH_SR & FLASH_SR_BSY) {
    }
}

int main(void)
{
    stop_reset_stage = 1;
    stop_reset_flags = RCC_CSR & 0xFF000000u;

    if (FLASH_OPTCR & FLASH_OPTCR_nRST_STOP) {
        wait_not_busy();
        FLASH_OPTKEYR = FLASH_OPTKEY1;
        FLASH_OPTKEYR = FLASH_OPTKEY2;
        uint32_t optcr = FLASH_OPTCR & ~(FLASH_OPTCR_nRST_STOP | FLASH_OPTCR_OPTSTRT);
        FLASH_OPTCR = optcr;
        FLASH_OPTCR = optcr | FLASH_OPTCR_OPTSTRT;
        wait_not_busy();
        FLASH_OPTCR |= FLASH_OPTCR_OPTLOCK;
        stop_reset_stage = 2;
        dsb();
        SCB_AIRCR = SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ;
        for (;;) {
        }
    }

    delay_ms_hsi(stop_reset_delay_ms);
    stop_reset_stage = 3;

    cpsid_i();
    RCC_APB1ENR |= RCC_APB1ENR_PWREN;
    (void)RCC_APB1ENR;
    PWR_CR &= ~PWR_CR_PDDS;
    SCB_SCR |= SCB_SCR_SLEEPDEEP;
    (void)PWR_CR;
    stop_reset_stage = 4;
    dsb();
    for (;;) {
        wfi();
    }
}
