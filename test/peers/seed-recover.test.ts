/**
 * The seed, reproduced and then repaired (issue 14, Proof): on a board whose firmware takes the SWD
 * pins (`swd-off`) or goes to Standby (`standby`), unmodified OpenOCD 0.12's
 * `program firmware/bin/blinky.elf verify reset exit` fails with the seed's message; `swdkit doctor`
 * through the same stlink-server names the cause; `swdkit recover --yes` through it brings the board
 * back; then the very same OpenOCD command programs and verifies blinky.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli, lastJson } from '../support/cli.js';
import { describeRun, requireOpenOcd, runOpenOcd } from '../support/openocd.js';
import { firmwareElf } from '../support/paths.js';
import { requireFile } from '../support/peers.js';
import { virtualBoardFor } from '../support/virtual-board-server.js';

const MS = 1e6;
const RUN_TIMEOUT_MS = 60_000;
const blinky = firmwareElf('blinky');
const SEED = /Error: init mode failed \(unable to connect to the target\)/;

const scenarios = [
  { firmware: 'swd-off', code: 'firmware-disables-swd-pins', symbol: 'swd_off_stage', stage: 4 },
  { firmware: 'standby', code: 'firmware-low-power', symbol: 'standby_stage', stage: 4 },
] as const;

for (const scenario of scenarios) {
  describe(`the seed on the ${scenario.firmware} board, then swdkit recover`, { timeout: 120_000 }, () => {
    it('OpenOCD fails with the seed message; doctor names it; recover --yes; the same OpenOCD command succeeds', async (t) => {
      const openocd = requireOpenOcd(t);
      if (openocd === undefined) return;
      const elf = firmwareElf(scenario.firmware);
      for (const path of [elf, blinky]) {
        if (requireFile(t, path, 'build the test firmware with `make -C firmware`') === undefined) return;
      }
      const sim = await virtualBoardFor(t, { firmware: elf });
      const address = sim.symbolAddress(elf, scenario.symbol);
      await sim.waitFor(
        () => sim.read32(address) === scenario.stage,
        5000 * MS,
        `${scenario.symbol} = ${scenario.stage}`,
      );
      const program = (): ReturnType<typeof runOpenOcd> =>
        runOpenOcd(openocd, {
          serverPort: sim.port,
          commands: [`program ${blinky} verify reset exit`],
          timeoutMs: RUN_TIMEOUT_MS,
        });

      const seed = await program();
      assert.notEqual(seed.code, 0, describeRun(seed));
      assert.match(seed.output, SEED, describeRun(seed));

      const probe = `tcp://127.0.0.1:${sim.port}`;
      const doctor = await cli(['--json', '--probe', probe, 'doctor']);
      assert.equal(doctor.status, 0, doctor.stdout + doctor.stderr);
      const diagnoses = lastJson(doctor.stdout)['diagnoses'] as { code: string }[];
      assert.equal(diagnoses[0]?.code, scenario.code, doctor.stdout);

      const recover = await cli(['--probe', probe, '--yes', 'recover']);
      assert.equal(recover.status, 0, recover.stdout + recover.stderr);
      assert.match(recover.stderr, /a plain connect \(no reset\) works again/);

      const after = await program();
      assert.equal(after.code, 0, describeRun(after));
      assert.match(after.output, /\*\* Verified OK \*\*/, describeRun(after));
      assert.doesNotMatch(after.output, SEED);
    });
  });
}
