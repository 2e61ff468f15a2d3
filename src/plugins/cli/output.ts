/** What the plugin command prints: aligned tables for people, JSON for scripts, one-line errors. */

/** A failure the user can act on; exit code 1, or 2 for a misuse of the command itself. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, 2);

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text + "\n"),
  err: (text) => void process.stderr.write(text + "\n"),
};

/** ESC sequences: CSI (ESC [ … final), OSC/DCS/PM/APC/SOS strings (to BEL or ST), or ESC and one character. */
const ESC_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -~])?/g;
/** C0 controls but newline, DEL, C1 controls, and the bidirectional overrides/isolates that reorder what is shown. */
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text as it may reach a terminal: escape sequences and control characters removed, newlines kept. */
export function stripControls(text: string): string {
  return text.replace(ESC_SEQUENCE, "").replace(CONTROL, "");
}

/**
 * Everything the command prints goes through here: package names and descriptions come from the npm
 * registry or a package.json, and must not drive the terminal (colours, cursor moves, titles, OSC 52 clipboard).
 */
export function safeIo(io: Io): Io {
  return { out: (text) => io.out(stripControls(text)), err: (text) => io.err(stripControls(text)) };
}

/** Columns padded to their widest cell; the last column is left ragged. A cell is one line without controls. */
export function table(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows].map((r) => r.map((cell) => stripControls(cell.replace(/[\r\n\t]+/g, " "))));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}

/** JSON.stringify escapes C0 controls; DEL, C1 (U+0080–U+009F, e.g. the 8-bit CSI) and the bidi controls are escaped too, so no raw control reaches the terminal. */
export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2).replace(/[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}
