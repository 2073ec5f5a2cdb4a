/**
 * Reading generated configuration files with the parsers their programs use: platformio.ini with
 * Python's configparser set up as PlatformIO sets it up (inline comments after `;` or `#`, no `%`
 * interpolation), and XML (an Eclipse launch file) with Python's xml.etree. python3 is on every
 * machine of this project (docs: the node machine carries it for node-gyp).
 */
import { execFileSync } from 'node:child_process';

function python(script: string, input: string): unknown {
  const out = execFileSync('python3', ['-c', script], { input, encoding: 'utf8' });
  return JSON.parse(out);
}

const INI_SCRIPT = `
import configparser, json, sys
parser = configparser.ConfigParser(inline_comment_prefixes=("#", ";"), interpolation=None)
parser.read_string(sys.stdin.read())
print(json.dumps({s: dict(parser.items(s)) for s in parser.sections()}))
`;

/** Every section's options as configparser gives them (multi-line values joined with "\\n"). */
export function parseIniAsPlatformio(
  text: string,
): Record<string, Record<string, string | undefined> | undefined> {
  return python(INI_SCRIPT, text) as Record<string, Record<string, string | undefined> | undefined>;
}

/** PlatformIO's multi-line option (debug_server, debug_init_cmds): one item per non-empty line. */
export function multiline(value: string | undefined): string[] {
  return (value ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

const XML_SCRIPT = `
import json, sys
import xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
print(json.dumps({"tag": root.tag, "attrib": root.attrib, "children": [{"tag": c.tag, "key": c.get("key"), "value": c.get("value")} for c in root]}))
`;

export interface XmlElement {
  readonly tag: string;
  readonly attrib: Record<string, string>;
  readonly children: readonly { tag: string; key: string | null; value: string | null }[];
}

/** The root element and its children's key/value attributes (throws on XML that is not well formed). */
export function parseXml(text: string): XmlElement {
  return python(XML_SCRIPT, text) as XmlElement;
}
