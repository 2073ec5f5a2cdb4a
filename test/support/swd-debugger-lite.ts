import { MEM_AP_REG } from '../../src/arch/adiv5/ap.js';
import { DP_REG } from '../../src/arch/adiv5/dp.js';
import { CSW_WORD_INC, connect, expectOk } from './fake-dap-target.js';
import type { DiscoveryBoard } from '../../src/sim/board/discovery.js';

/**
 * Word accesses to a board through its SW-DP, for the board's unit specs (the full test-side
 * debugger is test/support/swd-debugger.ts). Throws on any ACK but OK.
 */
export class SwdDebuggerLite {
  constructor(private readonly board: DiscoveryBoard) {
    connect(board.swd);
    expectOk(board.swd.write(true, MEM_AP_REG.CSW, CSW_WORD_INC));
  }

  read32(address: number): number {
    const swd = this.board.swd;
    expectOk(swd.write(true, MEM_AP_REG.TAR, address));
    expectOk(swd.read(true, MEM_AP_REG.DRW));
    expectOk(swd.read(false, DP_REG.RDBUFF));
    return swd.readData;
  }

  write32(address: number, value: number): void {
    const swd = this.board.swd;
    expectOk(swd.write(true, MEM_AP_REG.TAR, address));
    expectOk(swd.write(true, MEM_AP_REG.DRW, value));
    expectOk(swd.read(false, DP_REG.RDBUFF));
  }
}
