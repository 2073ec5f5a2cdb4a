/*
 * watchdog: firmware that runs the independent watchdog (IWDG) and feeds it.
 *
 * Shows: the LSI (~32 kHz RC, RCC_CSR.LSION) is started, then the IWDG (RM0090 section 19):
 * IWDG_KR = 0x5555 (unlock PR/RLR), IWDG_PR = 1 (LSI/8, ~4 kHz), IWDG_RLR = 599 (timeout = 600 / 4 kHz
 * = 150 ms at the nominal 32 kHz), wait for
 * IWDG_SR.PVU/RVU to clear, IWDG_KR = 0xAAAA (reload), IWDG_KR = 0xCCCC (start). The main loop feeds
 * it (IWDG_KR = 0xAAAA) on every iteration. DBGMCU_APB1_FZ.DBG_IWDG_STOP is left 0: the watchdog
 * keeps counting while the core is halted by a debugger, so a halt longer than the timeout resets
 * the chip (the debugger then sees a reset it did not ask for). Once started, the IWDG can only be
 * stopped by a reset; after a watchdog reset it is started again by this program.
 *
 * How a debugger or test observes it:
 *   watchdog_feeds         volatile uint32_t, +1 per feed (grows while running)
 *   watchdog_boots         volatile uint32_t in .bss: always 1 after boot (SRAM is not kept)
 *   watchdog_reset_flags   volatile uint32_t: RCC_CSR bits 31:24 as read at boot (IWDGRSTF = bit 29
 *                          after a watchdog reset), then cleared with RCC_CSR.RMVF
 *   watchdog_timeout_ms    const (in flash), nominal timeout in ms (150); IWDG_RLR = 4 * it - 1
 *   IWDG_PR (0x40003004) = 1, IWDG_RLR (0x40003008) = 599, RCC_CSR (0x40023874) LSIRDY set
 */
#include <stdint.h>
#include "stm32f407.h"

#define IWDG_PRESCALER_DIV8 1u
#define IWDG_TICKS_PER_MS 4u   /* 32 kHz LSI / 8 */

KEEP_CONST(watchdog_timeout_ms) const uint32_t watchdog_timeout_ms = 150u;
volatile uint32_t watchdog_feeds;
volatile uint32_t watchdog_boots;
volatile uint32_t watchdog_reset_flags;

int main(void)
{
    watchdog_boots++;
    watchdog_reset_flags = RCC_CSR & 0xFF000000u;
    RCC_CSR |= RCC_CSR_RMVF;

    RCC_CSR |= RCC_CSR_LSION;
    while ((RCC_CSR & RCC_CSR_LSIRDY) == 0u) {
    }

    IWDG_KR = IWDG_KR_ACCESS;
    IWDG_PR = IWDG_PRESCALER_DIV8;
    IWDG_RLR = watchdog_timeout_ms * IWDG_TICKS_PER_MS - 1u;   /* 599 */
    /* The new values cross into the LSI clock domain; bounded wait so a missing LSI cannot hang us. */
    for (uint32_t n = 0; n < 1000000u && (IWDG_SR & (IWDG_SR_PVU | IWDG_SR_RVU)) != 0u; n++) {
    }
    IWDG_KR = IWDG_KR_RELOAD;
    IWDG_KR = IWDG_KR_START;

    for (;;) {
        IWDG_KR = IWDG_KR_RELOAD;
        watchdog_feeds++;
    }
}
