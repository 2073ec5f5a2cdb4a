/*
 * cpu-suite groups EXC and FAULT: the ARMv7-M exception model.
 *
 * EXC: SVC (the immediate is read from the instruction before the stacked return address; arguments
 * and a return value pass through the stacked r0-r3), from the main and the process stack; the FP
 * context (s0-s15, FPSCR) saved lazily and restored across an exception whose handler uses the FPU,
 * and the handler's FPSCR taken from FPDSCR; PendSV pended through ICSR.PENDSVSET, masked by PRIMASK
 * and BASEPRI, tail-chained after SVC at a lower priority and preempting SVC at a higher one; NVIC
 * interrupts 0 and 1 pended in software (ISPR, STIR) and taken in priority order.
 * FAULT: UsageFaults (UDF, divide by zero with DIV_0_TRP, unaligned with UNALIGN_TRP, LDRD unaligned,
 * invalid state, no coprocessor) and their escalation to HardFault (FORCED) when UsageFault is
 * disabled, and SVC with PRIMASK set. The handlers record IPSR and the fault status registers,
 * clear them, and resume the program.
 * Handlers write into cpu_results in program order, like the tests themselves.
 */
#include "suite.h"

static inline uint32_t get_ipsr(void)
{
    uint32_t v;
    __asm volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}
static inline uint32_t get_control(void)
{
    uint32_t v;
    __asm volatile("mrs %0, control" : "=r"(v));
    return v;
}
static inline uint32_t get_basepri(void)
{
    uint32_t v;
    __asm volatile("mrs %0, basepri" : "=r"(v));
    return v;
}
static inline void set_basepri(uint32_t v)
{
    __asm volatile("msr basepri, %0\n\tisb" : : "r"(v) : "memory");
}
static inline void set_basepri_max(uint32_t v)
{
    __asm volatile("msr basepri_max, %0\n\tisb" : : "r"(v) : "memory");
}

static volatile uint32_t pendsv_count;
static volatile uint32_t irq_count;
static uint32_t psp_stack[64] __attribute__((aligned(8)));

/* Handler-side record tags, so the order of events is visible in the results */
#define TAG_SVC_ENTER   0x5C000000u
#define TAG_SVC_LEAVE   0x5CE00000u
#define TAG_PENDSV      0x95000000u
#define TAG_IRQ         0x12000000u
#define TAG_THREAD      0x7D000000u
#define TAG_FAULT       0xFA000000u

__attribute__((used)) void svc_dispatch(uint32_t *frame, uint32_t exc_return);
__attribute__((used)) void fault_dispatch(uint32_t *frame, uint32_t exc_return);
void SVC_Handler(void);
void PendSV_Handler(void);
void HardFault_Handler(void);
void UsageFault_Handler(void);
void WWDG_IRQHandler(void);
void PVD_IRQHandler(void);

/* Both pass the stacked frame (MSP or PSP per EXC_RETURN bit 2) and EXC_RETURN to C, tail-called so
 * that the C function returns straight to EXC_RETURN. */
__attribute__((naked)) void SVC_Handler(void)
{
    __asm volatile("tst   lr, #4\n\t"
                   "ite   eq\n\t"
                   "mrseq r0, msp\n\t"
                   "mrsne r0, psp\n\t"
                   "mov   r1, lr\n\t"
                   "b     svc_dispatch");
}

__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile("tst   lr, #4\n\t"
                   "ite   eq\n\t"
                   "mrseq r0, msp\n\t"
                   "mrsne r0, psp\n\t"
                   "mov   r1, lr\n\t"
                   "b     fault_dispatch");
}

__attribute__((naked)) void UsageFault_Handler(void)
{
    __asm volatile("tst   lr, #4\n\t"
                   "ite   eq\n\t"
                   "mrseq r0, msp\n\t"
                   "mrsne r0, psp\n\t"
                   "mov   r1, lr\n\t"
                   "b     fault_dispatch");
}

void PendSV_Handler(void)
{
    pendsv_count++;
    uint32_t icsr = SCB_ICSR;
    rec(TAG_PENDSV | get_ipsr() << 8 | (icsr & SCB_ICSR_VECTACTIVE_MASK));
    /* RETTOBASE: 1 when no other exception is active; SHCSR active bits */
    rec(((icsr & SCB_ICSR_RETTOBASE) ? 1u : 0u) |
        (SCB_SHCSR & (SCB_SHCSR_SVCALLACT | SCB_SHCSR_PENDSVACT)));
}

static void irq_common(void)
{
    irq_count++;
    rec(TAG_IRQ | get_ipsr() << 8 | (NVIC_IABR(0) & 3u) << 4 | (NVIC_ISPR(0) & 3u));
}
void WWDG_IRQHandler(void) { irq_common(); }   /* IRQ 0 */
void PVD_IRQHandler(void) { irq_common(); }    /* IRQ 1 */

__attribute__((used)) void svc_dispatch(uint32_t *frame, uint32_t exc_return)
{
    const uint16_t *pc = (const uint16_t *)(uintptr_t)frame[6];
    uint32_t imm = pc[-1] & 0xFFu;   /* SVC T1: 0xDFxx */
    rec(TAG_SVC_ENTER | (uint32_t)(pc[-1] & 0xFF00u) | imm);
    switch (imm) {
    case 0x12:
        /* arguments in, result out through the frame */
        rec(get_ipsr());
        rec(SCB_ICSR & (SCB_ICSR_VECTACTIVE_MASK | SCB_ICSR_RETTOBASE));
        rec(SCB_SHCSR & SCB_SHCSR_SVCALLACT);
        frame[0] = frame[0] + frame[1] * 2u + frame[2] * 3u + frame[3] * 4u + imm;
        break;
    case 1:
        /* which stack, and CONTROL as seen in handler mode (SPSEL and FPCA are 0 there) */
        rec(exc_return);
        rec(get_control());
        {
            uint32_t lo = (uint32_t)(uintptr_t)psp_stack, hi = lo + sizeof psp_stack;
            uint32_t at = (uint32_t)(uintptr_t)frame;
            rec(at >= lo && at < hi ? 1u : 0u);
        }
        break;
    case 7: {
        /* Lazy FP stacking: LSPACT is set until the handler's first FP instruction. */
        rec(FPU_FPCCR & FPU_FPCCR_LSPACT);
        uint32_t fpscr_in, s0;
        __asm volatile("vmrs %[f], fpscr\n\t"          /* FPSCR of a new context = FPDSCR */
                       "vmov s0, %[v]\n\t"
                       "vmsr fpscr, %[m]\n\t"
                       "vmov %[s], s0"
                       : [f] "=&r"(fpscr_in), [s] "=&r"(s0)
                       : [v] "r"(0xDEADBEEFu), [m] "r"(FPSCR_RM | FPSCR_FZ | 0x1Fu)
                       : "s0");
        rec(fpscr_in);
        rec(FPU_FPCCR & FPU_FPCCR_LSPACT);   /* 0: the thread's registers were saved */
        rec(get_control() & 4u);             /* FPCA = 1 again */
        rec(s0);
        break;
    }
    case 3:
        /* tail-chain: PendSV (lower priority) is pended here and runs after this handler */
        SCB_ICSR = SCB_ICSR_PENDSVSET;
        dsb();
        isb();
        rec(pendsv_count);
        break;
    case 4:
        /* preemption: PendSV (higher priority) is pended here and runs at once */
        SCB_ICSR = SCB_ICSR_PENDSVSET;
        dsb();
        isb();
        rec(pendsv_count);
        break;
    default:
        frame[0] = ~frame[0];
        break;
    }
    rec(TAG_SVC_LEAVE | imm);
}

static void pendsv_now(void)
{
    SCB_ICSR = SCB_ICSR_PENDSVSET;
    dsb();
    isb();
}

void test_exc(void)
{
    group_begin(GID_EXC);
    /* Default priorities: everything configurable at 0 */
    SCB_SHPR2 = 0;
    SCB_SHPR3 = 0;

    /* SVC with arguments and a result */
    {
        uint32_t r;
        __asm volatile("mov r0, #1\n\tmov r1, #2\n\tmov r2, #3\n\tmov r3, #4\n\t"
                       "svc #0x12\n\t"
                       "mov %[r], r0"
                       : [r] "=r"(r) : : "r0", "r1", "r2", "r3", "memory");
        rec(r);   /* 1 + 4 + 9 + 16 + 0x12 = 0x30 */
        __asm volatile("mov r0, %[x]\n\tsvc #255\n\tmov %[r], r0"
                       : [r] "=r"(r) : [x] "r"(opq(0x0F0F0F0Fu)) : "r0", "r1", "r2", "r3", "memory");
        rec(r);   /* ~x */
    }
    /* SVC from thread mode on the main stack and on the process stack (CONTROL.SPSEL = 1), each
     * right after an FP instruction so CONTROL.FPCA = 1 and the frame is the extended one. */
    {
        __asm volatile("vmov.f32 s0, s0\n\tsvc #1" : : : "r0", "r1", "r2", "r3", "s0", "memory");
        uint32_t top = (uint32_t)(uintptr_t)(psp_stack + 64);
        uint32_t ctl_after, tmp, old;
        __asm volatile("mrs %[old], control\n\t"
                       "msr psp, %[top]\n\t"
                       "orr %[t], %[old], #2\n\t"
                       "msr control, %[t]\n\t"
                       "isb\n\t"
                       "vmov.f32 s0, s0\n\t"
                       "svc #1\n\t"
                       "mrs %[ca], control\n\t"
                       "bic %[old], %[old], #2\n\t"
                       "msr control, %[old]\n\t"
                       "isb"
                       : [ca] "=&r"(ctl_after), [t] "=&r"(tmp), [old] "=&r"(old)
                       : [top] "r"(top)
                       : "r0", "r1", "r2", "r3", "s0", "memory");
        rec(ctl_after & 6u);   /* SPSEL and FPCA restored from EXC_RETURN: 6 */
    }
    /* FP context across an exception whose handler uses the FPU */
    {
        uint32_t s0, s15, fpscr;
        __asm volatile("vmsr fpscr, %[m]\n\t"
                       "vmov s0, %[a]\n\t"
                       "vmov s15, %[b]\n\t"
                       "svc #7\n\t"
                       "vmov %[s0], s0\n\t"
                       "vmov %[s15], s15\n\t"
                       "vmrs %[f], fpscr\n\t"
                       "vmsr fpscr, %[z]"
                       : [s0] "=&r"(s0), [s15] "=&r"(s15), [f] "=&r"(fpscr)
                       : [m] "r"(FPSCR_RZ | FPSCR_DN), [a] "r"(opq(0x12345678u)),
                         [b] "r"(opq(0x9ABCDEF0u)), [z] "r"(0u)
                       : "r0", "r1", "r2", "r3", "s0", "s15", "memory");
        rec(s0);
        rec(s15);
        rec(fpscr);   /* RZ | DN, as before the SVC */
    }
    /* PendSV, then masked by PRIMASK */
    {
        pendsv_now();
        rec(TAG_THREAD | pendsv_count);
        cpsid_i();
        pendsv_now();
        rec(SCB_ICSR & (SCB_ICSR_PENDSVSET | SCB_ICSR_VECTPENDING_MASK | SCB_ICSR_ISRPENDING));
        rec(TAG_THREAD | pendsv_count);
        cpsie_i();
        isb();
        rec(TAG_THREAD | pendsv_count);
    }
    /* BASEPRI masks priorities >= its value; BASEPRI_MAX only raises it */
    {
        SCB_SHPR3 = 0x00E00000u;   /* PendSV priority 0xE0 */
        rec(SCB_SHPR3 & 0x00E00000u);
        set_basepri(0x80u);
        pendsv_now();
        rec(TAG_THREAD | pendsv_count);
        set_basepri_max(0x40u);
        rec(get_basepri());   /* 0x40 */
        set_basepri_max(0xC0u);
        rec(get_basepri());   /* still 0x40 */
        set_basepri(0xF0u);   /* masks only 0xF0 and lower priorities: PendSV (0xE0) runs now */
        rec(TAG_THREAD | pendsv_count);
        set_basepri(0u);
        rec(TAG_THREAD | pendsv_count);
    }
    /* Tail-chaining: PendSV (0xE0) pended inside SVC (0x00) runs after it returns */
    {
        __asm volatile("svc #3" : : : "r0", "r1", "r2", "r3", "memory");
        rec(TAG_THREAD | pendsv_count);
    }
    /* Preemption: SVC at 0x80, PendSV at 0x40 pended inside SVC runs inside it */
    {
        SCB_SHPR2 = 0x80000000u;
        SCB_SHPR3 = 0x00400000u;
        __asm volatile("svc #4" : : : "r0", "r1", "r2", "r3", "memory");
        rec(TAG_THREAD | pendsv_count);
        SCB_SHPR2 = 0;
        SCB_SHPR3 = 0;
    }
    /* NVIC: IRQ0 at 0x80 and IRQ1 at 0x40 pended together under PRIMASK: IRQ1 first */
    {
        NVIC_IPR_BYTE(0) = 0x80u;
        NVIC_IPR_BYTE(1) = 0x40u;
        NVIC_ICPR(0) = 3u;
        NVIC_ISER(0) = 3u;
        cpsid_i();
        NVIC_ISPR(0) = 3u;
        dsb();
        isb();
        rec(NVIC_ISPR(0) & 3u);
        rec(SCB_ICSR & (SCB_ICSR_VECTPENDING_MASK | SCB_ICSR_ISRPENDING));   /* IRQ1 = 17 */
        rec(TAG_THREAD | irq_count);
        cpsie_i();
        isb();
        rec(TAG_THREAD | irq_count);
        SCB_STIR = 0;   /* software-trigger IRQ0 */
        dsb();
        isb();
        rec(TAG_THREAD | irq_count);
        NVIC_ICER(0) = 3u;
        NVIC_ICPR(0) = 3u;
        NVIC_IPR_BYTE(0) = 0;
        NVIC_IPR_BYTE(1) = 0;
    }
}

/* Length of the Thumb instruction at `pc`: 32-bit if the first halfword is 0b11101/11110/11111. */
static uint32_t insn_length(uint32_t pc)
{
    uint16_t hw = *(const uint16_t *)(uintptr_t)pc;
    return (hw >> 11) >= 0x1Du ? 4u : 2u;
}

__attribute__((used)) void fault_dispatch(uint32_t *frame, uint32_t exc_return)
{
    (void)exc_return;
    uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
    rec(TAG_FAULT | get_ipsr());
    rec(cfsr);
    rec(hfsr);
    SCB_CFSR = cfsr;   /* write 1 to clear */
    SCB_HFSR = hfsr;
    if (cfsr & SCB_CFSR_NOCP) {
        SCB_CPACR |= SCB_CPACR_CP10_CP11_FULL;   /* enable the FPU and retry the instruction */
        dsb();
        isb();
    } else if (cfsr & SCB_CFSR_INVSTATE) {
        rec((frame[7] >> 24) & 1u);              /* the stacked EPSR.T was 0 */
        frame[7] |= 1u << 24;                    /* retry in Thumb state */
    } else if (cfsr & (SCB_CFSR_UNDEFINSTR | SCB_CFSR_DIVBYZERO | SCB_CFSR_UNALIGNED)) {
        frame[6] += insn_length(frame[6]);       /* skip the faulting instruction */
    }
    /* else: an escalated SVC, whose stacked PC is already the next instruction */
}

void test_fault(void)
{
    group_begin(GID_FAULT);
    SCB_SHCSR |= SCB_SHCSR_USGFAULTENA;
    dsb();
    isb();
    /* UDF: UNDEFINSTR */
    {
        uint32_t v = opq(1u);
        __asm volatile("udf #0x42\n\tadds %[v], %[v], #1" : [v] "+l"(v) : : "cc", "memory");
        rec(v);   /* 2: the ADDS after the UDF ran */
    }
    /* UDIV by zero with DIV_0_TRP set: DIVBYZERO */
    {
        SCB_CCR |= SCB_CCR_DIV_0_TRP;
        dsb();
        isb();
        uint32_t r = opq(0x55u);
        /* The ISB is not needed on a Cortex-M4. It works around QEMU 7.2 (see README): its UDIV
         * trap does not write back registers set earlier in the same translation block. */
        __asm volatile("isb\n\tudiv %[r], %[r], %[z]" : [r] "+r"(r) : [z] "r"(opq(0u)) : "memory");
        rec(r);   /* unchanged: the UDIV was skipped */
        SCB_CCR &= ~SCB_CCR_DIV_0_TRP;
        dsb();
        isb();
    }
    /* Unaligned LDR with UNALIGN_TRP set; LDRD unaligned faults regardless */
    {
        uint32_t buf[4] = { 1u, 2u, 3u, 4u };
        uint32_t r = opq(0x77u), r2 = opq(0x88u);
        uint8_t *p = (uint8_t *)buf;
        __asm volatile("" : "+r"(p));
        SCB_CCR |= SCB_CCR_UNALIGN_TRP;
        dsb();
        isb();
        __asm volatile("ldr %[r], [%[p], #1]" : [r] "+r"(r) : [p] "r"(p) : "memory");
        SCB_CCR &= ~SCB_CCR_UNALIGN_TRP;
        dsb();
        isb();
        __asm volatile("ldrd %[r], %[r2], [%[p]]" : [r] "+r"(r), [r2] "+r"(r2) : [p] "r"(p + 2) : "memory");
        rec(r ^ r2);   /* 0x77 ^ 0x88: neither load happened */
    }
    /* Branch to an even address: INVSTATE, retried with T set by the handler */
    {
        uint32_t v, t;
        __asm volatile("adr.w %[t], 1f\n\t"
                       "movs %[v], #5\n\t"
                       "bx %[t]\n\t"
                       "movs %[v], #0xEE\n"
                       ".p2align 2\n"
                       "1: adds %[v], %[v], #1"
                       : [v] "=&r"(v), [t] "=&r"(t) : : "cc", "memory");
        rec(v);   /* 6 */
    }
    /* FPU disabled (CPACR): NOCP, the handler enables it and the instruction is retried */
    {
        uint32_t r;
        SCB_CPACR &= ~SCB_CPACR_CP10_CP11_FULL;
        dsb();
        isb();
        __asm volatile("vmov s0, %[x]\n\tvmov %[r], s0" : [r] "=r"(r) : [x] "r"(opq(0x3C3C3C3Cu)) : "s0", "memory");
        rec(r);
        rec(SCB_CPACR & SCB_CPACR_CP10_CP11_FULL);
    }
    /* UsageFault disabled: UDF escalates to HardFault (FORCED) */
    {
        SCB_SHCSR &= ~SCB_SHCSR_USGFAULTENA;
        dsb();
        isb();
        __asm volatile("udf #0x7" : : : "memory");
        rec(TAG_THREAD | 1u);
    }
    /* SVC with PRIMASK set cannot be taken at its priority: HardFault (FORCED) */
    {
        cpsid_i();
        __asm volatile("svc #9" : : : "r0", "r1", "r2", "r3", "memory");
        cpsie_i();
        rec(TAG_THREAD | 2u);
    }
}
