/** The detectors as pure functions (what each PII rule catches), and the stream hook at chunk boundaries. */
import { describe, expect, test } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import { testPlugin, type ChatChunk } from "bifrost/plugin";
import { configSchema } from "./config";
import { compileRules, luhn } from "./rules";
import guardrails from "./index";
import { check } from "./scan";

const rulesOf = (config: Record<string, unknown> = {}) => compileRules(Value.Default(configSchema, structuredClone(config)) as any);
const redactAll = (text: string, config?: Record<string, unknown>) => check(text, rulesOf(config), "[{name}]").text;

describe("PII detectors", () => {
  test.each([
    ["mail me at jane.doe+x@mail.example.co.uk please", "mail me at [email] please"],
    ["card 4111 1111 1111 1111 ok", "card [credit_card] ok"],
    ["card 4111-1111-1111-1111", "card [credit_card]"],
    ["ssn 123-45-6789.", "ssn [ssn]."],
    ["call (555) 123-4567 or +1 555 123 4567 or +442079460958", "call [phone] or [phone] or [phone]"],
    ["host 192.168.10.254 and 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "host [ip_address] and [ip_address]"],
  ])("%s", (input, want) => expect(redactAll(input)).toBe(want));

  test("things that only look like PII are left alone", () => {
    for (const s of ["card 4111 1111 1111 1112", "version 1.2.3", "on 2024-01-15 at 10:30:00", "order #12345678", "999-12-3456", "256.1.1.1", "std::vector"]) {
      expect(redactAll(s)).toBe(s);
    }
  });

  test("Luhn", () => {
    expect(luhn("4242424242424242")).toBe(true);
    expect(luhn("5555 5555 5555 4444")).toBe(true);
    expect(luhn("4242424242424241")).toBe(false);
    expect(luhn("0000")).toBe(false);
  });

  test("detectors can be switched off; patterns come first and may block", () => {
    expect(redactAll("a@b.io 10.0.0.1", { pii: { email: false } })).toBe("a@b.io [ip_address]");
    const v = check("the codeword is swordfish", rulesOf({ patterns: [{ name: "codeword", regex: "sword\\w+", action: "block" }] }), "x");
    expect(v.blockedBy?.name).toBe("codeword");
  });

  test("<name> works in the template too", () => {
    expect(check("x@y.com", rulesOf(), "<<name>>").text).toBe("<email>");
  });
});

const chunk = (content: string | undefined, finish: "stop" | null = null): ChatChunk => ({
  id: "c",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
});

/** The pieces as one stream (a finishing chunk last), through the plugin's chunk hook: what the client receives. */
async function stream(config: Record<string, unknown>, pieces: string[]): Promise<ChatChunk[]> {
  const p = await testPlugin(guardrails, { config });
  return p.chunks([...pieces.map((piece) => chunk(piece)), chunk(undefined, "stop")]);
}

const texts = (sent: ChatChunk[]) => sent.map((c) => c.choices[0]?.delta?.content ?? "");

describe("the stream hook, through testPlugin", () => {
  test("a match split across chunks is redacted whole, and no fragment of it is ever sent", async () => {
    const pieces = ["Write to jo", "hn.doe@exa", "mple.com", " today, or call 555-123-", "4567 after lunch."];
    for (const holdback of [24, 64]) {
      const sent = texts(await stream({ redaction: "[{name}]", stream_holdback: holdback }, pieces));
      expect(sent.join("")).toBe("Write to [email] today, or call [phone] after lunch.");
      expect(sent.filter((s) => /jo|doe|exa|mple|4567/.test(s))).toEqual([]);
    }
  });

  test("text is held back no more than the holdback, and flushed on the finish", async () => {
    const p = await testPlugin(guardrails, { config: { stream_holdback: 10 } });
    const out = p.chunk(chunk("a long sentence without anything private in it")) as ChatChunk;
    expect(out.choices[0]!.delta.content).toBe("a long sentence without anything pri");
    const fin = p.chunk(chunk(undefined, "stop")) as ChatChunk;
    expect(fin.choices[0]!.delta.content).toBe("vate in it");
  });

  test("a blocking match ends the stream with an error chunk", async () => {
    const p = await testPlugin(guardrails, { config: { patterns: [{ name: "secret", regex: "top secret", action: "block" }] } });
    const sent = p.chunks(["this is top se", "cret stuff"].map((piece) => chunk(piece)));
    expect(texts(sent).join("")).not.toContain("secret");
    expect(sent.at(-1)!.choices[0]!.finish_reason).toBe("content_filter");
    expect(sent.at(-1)!.error).toMatchObject({ type: "guardrail_blocked", code: "secret" });
    expect(p.chunk(chunk(" more"))).toBe("end");
  });
});
