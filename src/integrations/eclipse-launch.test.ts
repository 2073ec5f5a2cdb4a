import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseXml } from '../../test/support/python-config.js';
import { ideDevice } from './device.js';
import { eclipseLaunchXml, eclipseSettingsText } from './eclipse-launch.js';

const options = {
  device: ideDevice({ name: 'STM32F405/407/415/417', devId: 0x413, flashSize: 1024 * 1024 }),
  project: 'blinky & co',
  program: 'Debug/blinky.elf',
  host: 'localhost',
  port: 3333,
  gdb: 'gdb-multiarch',
};

describe('Eclipse CDT GDB Hardware Debugging', () => {
  it('the launch file is well-formed XML of the GDB Hardware Debugging type, aimed at the server', () => {
    const xml = parseXml(eclipseLaunchXml(options));
    assert.equal(xml.tag, 'launchConfiguration');
    assert.equal(xml.attrib['type'], 'org.eclipse.cdt.debug.gdbjtag.launchConfigurationType');
    const value = (key: string): string | null | undefined => xml.children.find((c) => c.key === key)?.value;
    const jtag = 'org.eclipse.cdt.debug.gdbjtag.core';
    assert.equal(value(`${jtag}.jtagDeviceId`), `${jtag}.jtagdevice.genericDevice`);
    assert.equal(value(`${jtag}.ipAddress`), 'localhost');
    assert.equal(value(`${jtag}.portNumber`), '3333');
    assert.equal(value(`${jtag}.useRemoteTarget`), 'true');
    assert.equal(value(`${jtag}.initCommands`), 'monitor reset halt');
    assert.equal(value(`${jtag}.runCommands`), 'monitor reset halt');
    assert.equal(value('org.eclipse.cdt.launch.PROJECT_ATTR'), 'blinky & co');
    assert.equal(value('org.eclipse.cdt.launch.PROGRAM_NAME'), 'Debug/blinky.elf');
    assert.equal(value('org.eclipse.cdt.dsf.gdb.DEBUG_NAME'), 'gdb-multiarch');
  });

  it('the same as the dialog shows it', () => {
    const text = eclipseSettingsText(options);
    assert.match(text, /JTAG Device: +Generic TCP\/IP/);
    assert.match(text, /Host name or IP address: localhost/);
    assert.match(text, /Port number: +3333/);
    assert.match(text, /Initialization Commands: monitor reset halt/);
    assert.match(text, /Run Commands: +monitor reset halt/);
  });
});
