import { STLINK_USB_MODELS, STLINK_VID } from '../../protocol/usb-ids.js';

export const UDEV_RULES_PATH = '/etc/udev/rules.d/49-stlink.rules';

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/**
 * The udev rule that gives the logged-in user access to every ST-Link swdkit drives. sysfs spells
 * idVendor/idProduct in lower-case hex, and udev compares them as strings.
 */
export function udevRules(): string {
  const lines = STLINK_USB_MODELS.map(
    (m) =>
      `SUBSYSTEMS=="usb", ATTRS{idVendor}=="${hex4(STLINK_VID)}", ATTRS{idProduct}=="${hex4(m.pid)}", MODE="0660", TAG+="uaccess"  # ${m.model}`,
  );
  return [`# ${UDEV_RULES_PATH}: ST-Link probes for swdkit`, ...lines].join('\n');
}

/** What a user on Linux does about "permission denied" on the probe. */
export function udevHint(): string {
  return [
    `Your user may not open the probe. Install this udev rule as ${UDEV_RULES_PATH}:`,
    '',
    udevRules(),
    '',
    'then reload the rules and replug the probe:',
    '  sudo sh -c "udevadm control --reload && udevadm trigger"',
  ].join('\n');
}
