import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerControl } from './control.js';
import { registerDoctor } from './doctor.js';
import { registerErase } from './erase.js';
import { registerFlash } from './flash.js';
import { registerGdbServer } from './gdbserver.js';
import { registerInfo } from './info.js';
import { registerInit } from './init.js';
import { registerMemory } from './memory.js';
import { registerProtection } from './protection.js';
import { registerRecover } from './recover.js';

/** The commands that talk to a target through a session (--probe, --connect, --speed, --yes). */
export function registerTargetCommands(program: Command, context: CommandContext): void {
  registerInfo(program, context);
  registerFlash(program, context);
  registerErase(program, context);
  registerMemory(program, context);
  registerControl(program, context);
  registerProtection(program, context);
  registerInit(program, context);
  registerDoctor(program, context);
  registerRecover(program, context);
  registerGdbServer(program, context);
}
