/**
 * The Serial Wire Debug protocol's acknowledge (ARM IHI 0031C, ADIv5.2, B4.2.3 "ACK response"): the
 * three bits the target drives after a request header, LSB first on the wire. Anything else is a
 * protocol error; with nobody driving SWDIO a host reads 0b111.
 */
export const ACK = {
  OK: 0b001,
  WAIT: 0b010,
  FAULT: 0b100,
} as const;
