/** The guardrails config schema, with its defaults. */
import { t, type Static } from "bifrost/plugin";

const action = t.Union([t.Literal("redact"), t.Literal("block")], { default: "redact" });
const on = t.Boolean({ default: true });

export const configSchema = t.Object({
  pii: t.Object({ email: on, phone: on, credit_card: on, ssn: on, ip_address: on }, { default: {} }),
  /** What a PII match does. */
  pii_action: action,
  patterns: t.Array(
    t.Object({
      /** Names the rule in redactions and in a block's error code. */
      name: t.String({ pattern: "^[A-Za-z0-9_.-]+$" }),
      regex: t.String({ minLength: 1 }),
      flags: t.Optional(t.String({ pattern: "^[imsuy]*$" })),
      action,
    }),
    { default: [] },
  ),
  apply_to: t.Object({ input: on, output: on }, { default: {} }),
  /** `{name}` (or `<name>`) becomes the rule's name. */
  redaction: t.String({ default: "[REDACTED:{name}]" }),
  /** Streams: characters held back per choice so a match split across chunks is still caught. */
  stream_holdback: t.Integer({ minimum: 0, maximum: 4096, default: 64 }),
  /**
   * The longest text (one field) scanned, in characters. A longer one is refused (400
   * guardrail_scan_limit) rather than passed unscanned: scanning time stays bounded whatever the patterns.
   */
  max_scan_chars: t.Integer({ minimum: 1024, maximum: 16_777_216, default: 262_144 }),
});

export type GuardrailsConfig = Static<typeof configSchema>;
