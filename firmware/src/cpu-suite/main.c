/*
 * cpu-suite: a deterministic self-test of the Cortex-M4F core (ARMv7E-M + FPv4-SP), the reference
 * workload for swdkit's virtual core. It touches no STM32 peripheral, only the core and its system
 * registers (SCB, NVIC), so it also runs on QEMU's netduinoplus2 (an STM32F405 model).
 *
 * What it shows: integer ALU and flags (carry chains, register shifts >= 32, rotates), long
 * multiplies (UMULL/SMULL/UMLAL/SMLAL/UMAAL), SDIV/UDIV (INT_MIN/-1, divide by zero = 0 with
 * CCR.DIV_0_TRP clear), bit-field and bit-reverse instructions, saturation and the sticky Q flag,
 * the DSP SIMD instructions with the GE flags and SEL, the DSP multiplies, the FPU (arithmetic, fused
 * multiply-add, square root, NaN/infinity/denormal handling, flush-to-zero and default-NaN modes,
 * conversions in every FPSCR rounding mode, half precision, cumulative FPSCR flags), memory accesses
 * (all sizes, sign extension, unaligned, LDRD/STRD, LDM/STM, PUSH/POP, bit-band), exclusive access
 * (LDREX/STREX all sizes, CLREX), control flow (all IT conditions, TBB/TBH, CBZ/CBNZ, calls), and the
 * exception model (SVC with the immediate read from the stacked PC, PendSV via ICSR.PENDSVSET,
 * PRIMASK/BASEPRI masking, preemption and tail-chaining by priority, NVIC interrupts pended in
 * software, FP context stacking, UsageFaults and their escalation to HardFault).
 * Instructions the compiler would not emit are written with inline assembly; every flag read
 * (MRS APSR, VMRS FPSCR) happens in the same asm statement as the instruction that set it.
 *
 * How a debugger or test observes it (symbols in every bin/cpu-suite-*.elf):
 *   cpu_results        volatile uint32_t[1024] in SRAM: the results, in groups (layout below)
 *   cpu_results_count  const uint32_t (in flash) = 1024, the number of slots
 *   cpu_done           volatile uint32_t, 0 while running, 0xD0E0D0E0 when every test has run
 *   cpu_suite_finished noinline function that loops forever, called right after cpu_done is set:
 *                      put a breakpoint on it, then read cpu_results
 * The results are identical at -O0, -O2, -Os and -O3 (no undefined behaviour, no stack addresses,
 * no timing): a core that runs any of the four builds must produce the same 1024 words.
 *
 * Layout: groups of consecutive slots (sizes in suite.h, GROUP_LIST). Slot 0 of each group is its
 * marker 0xC0DE0000 | id << 8 | size, followed by its results; unused slots stay 0. The header group
 * (id 0, slots 0-7): [0] marker, [1] overflow bitmap (bit id set if group id ran out of slots;
 * always 0), [2] number of groups, [3] total results written (markers excluded), [4] cpu_results_count.
 * The groups fill slots 0-823; 824-1023 are spare (0). firmware/README.md has the slot table.
 */
#include "suite.h"

#define CPU_DONE_MAGIC 0xD0E0D0E0u

volatile uint32_t cpu_results[CPU_RESULTS_N];
KEEP_CONST(cpu_results_count) const uint32_t cpu_results_count = CPU_RESULTS_N;
volatile uint32_t cpu_done;

#define GROUP_SIZE_ENTRY(name, id, size) size,
static const uint16_t group_size[GROUP_COUNT] = { GROUP_LIST(GROUP_SIZE_ENTRY) };
#define GROUP_SUM(name, id, size) +(size)
_Static_assert(0 GROUP_LIST(GROUP_SUM) <= CPU_RESULTS_N, "groups exceed cpu_results");

static uint32_t slot;        /* next slot to write */
static uint32_t slot_end;    /* end of the current group */
static uint32_t group_now;
static uint32_t total_results;

void group_begin(enum group_id id)
{
    uint32_t base = 0;
    for (uint32_t g = 0; g < (uint32_t)id; g++) {
        base += group_size[g];
    }
    group_now = (uint32_t)id;
    slot = base;
    slot_end = base + group_size[id];
    cpu_results[slot++] = GROUP_MARKER(id, group_size[id]);
}

void rec(uint32_t value)
{
    if (slot < slot_end) {
        cpu_results[slot++] = value;
        total_results++;
    } else {
        cpu_results[1] |= 1u << group_now;
    }
}

void rec64(uint64_t value)
{
    rec((uint32_t)value);
    rec((uint32_t)(value >> 32));
}

__attribute__((noinline, noipa)) void cpu_suite_finished(void);
__attribute__((noinline, noipa)) void cpu_suite_finished(void)
{
    for (;;) {
        __asm volatile("" ::: "memory");
    }
}

int main(void)
{
    /* Known FPU state: round to nearest, no flush-to-zero, no default NaN, flags clear. */
    __asm volatile("vmsr fpscr, %0" : : "r"(0u));
    FPU_FPDSCR = 0;

    group_begin(GID_HEADER);
    test_arith();
    test_shift();
    test_mul();
    test_div();
    test_bits();
    test_sat();
    test_simd();
    test_dspmul();
    test_fparith();
    test_fpspecial();
    test_fpconv();
    test_mem();
    test_excl();
    test_flow();
    test_exc();
    test_fault();

    cpu_results[2] = GROUP_COUNT;
    cpu_results[3] = total_results;
    cpu_results[4] = cpu_results_count;
    dsb();
    cpu_done = CPU_DONE_MAGIC;
    dsb();
    cpu_suite_finished();
    return 0;
}
