/**
 * How each client dialect talks to the gateway, written from the vendor's wire format (not from our
 * code): build the request, send it, and read back text and token usage from the vendor's own shapes.
 */
import { SseParser } from "../../src/providers/sse";

export interface DialectAnswer {
  text: string;
  /** All prompt tokens, cache reads included (added up where the vendor reports them apart). */
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens read from the provider's cache. */
  cachedTokens: number;
  /** The envelope checks passed (the vendor's required fields are there). */
  shapeOk: boolean;
  raw: unknown;
}

export interface DialectClient {
  name: string;
  call(base: string, model: string, prompt: string, stream: boolean): Promise<DialectAnswer>;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res;
}

async function sse(res: Response): Promise<Array<{ event: string | null; data: any }>> {
  const p = new SseParser();
  const text = await res.text();
  return [...p.push(text), ...p.end()].filter((e) => e.data !== "[DONE]").map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
}

export const openaiChat: DialectClient = {
  name: "openai",
  async call(base, model, prompt, stream) {
    const res = await post(`${base}/v1/chat/completions`, { model, messages: [{ role: "user", content: prompt }], ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });
    if (!stream) {
      const j: any = await res.json();
      return {
        text: j.choices[0].message.content,
        promptTokens: j.usage.prompt_tokens,
        completionTokens: j.usage.completion_tokens,
        cachedTokens: j.usage.prompt_tokens_details?.cached_tokens ?? 0,
        shapeOk: j.object === "chat.completion",
        raw: j,
      };
    }
    const events = await sse(res);
    const usage = events.map((e) => e.data.usage).find(Boolean);
    return {
      text: events.map((e) => e.data.choices?.[0]?.delta?.content ?? "").join(""),
      promptTokens: usage?.prompt_tokens ?? -1,
      completionTokens: usage?.completion_tokens ?? -1,
      cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
      shapeOk: events.every((e) => e.data.object === "chat.completion.chunk"),
      raw: events,
    };
  },
};

export const anthropicMessages: DialectClient = {
  name: "anthropic",
  async call(base, model, prompt, stream) {
    const res = await post(`${base}/anthropic/v1/messages`, { model, max_tokens: 256, messages: [{ role: "user", content: prompt }], ...(stream ? { stream: true } : {}) }, { "anthropic-version": "2023-06-01", "x-api-key": "unused" });
    if (!stream) {
      const j: any = await res.json();
      const text = j.content.filter((b: any) => b.type === "text").map((b: any) => b.text).join("");
      const cached = j.usage.cache_read_input_tokens ?? 0;
      return { text, promptTokens: j.usage.input_tokens + cached, completionTokens: j.usage.output_tokens, cachedTokens: cached, shapeOk: j.type === "message" && !!j.stop_reason, raw: j };
    }
    const events = await sse(res);
    const start = events.find((e) => e.event === "message_start")?.data.message.usage;
    const delta = events.find((e) => e.event === "message_delta")?.data.usage;
    const order = events.map((e) => e.event);
    // message_delta's counts are cumulative and may repeat message_start's; the later one wins.
    const cached = delta?.cache_read_input_tokens ?? start?.cache_read_input_tokens ?? 0;
    return {
      text: events.filter((e) => e.data.delta?.type === "text_delta").map((e) => e.data.delta.text).join(""),
      promptTokens: (delta?.input_tokens ?? start?.input_tokens ?? -1) + cached,
      completionTokens: delta?.output_tokens ?? -1,
      cachedTokens: cached,
      shapeOk: order[0] === "message_start" && order.at(-1) === "message_stop" && events.every((e) => e.event === e.data.type),
      raw: events,
    };
  },
};

export const openaiResponses: DialectClient = {
  name: "responses",
  async call(base, model, prompt, stream) {
    const res = await post(`${base}/v1/responses`, { model, input: prompt, ...(stream ? { stream: true } : {}) });
    if (!stream) {
      const j: any = await res.json();
      const text = j.output.filter((o: any) => o.type === "message").flatMap((o: any) => o.content).map((c: any) => c.text).join("");
      return {
        text,
        promptTokens: j.usage.input_tokens,
        completionTokens: j.usage.output_tokens,
        cachedTokens: j.usage.input_tokens_details?.cached_tokens ?? 0,
        shapeOk: j.object === "response" && j.status === "completed",
        raw: j,
      };
    }
    const events = await sse(res);
    const done = events.find((e) => e.event === "response.completed")?.data.response;
    return {
      text: events.filter((e) => e.event === "response.output_text.delta").map((e) => e.data.delta).join(""),
      promptTokens: done?.usage?.input_tokens ?? -1,
      completionTokens: done?.usage?.output_tokens ?? -1,
      cachedTokens: done?.usage?.input_tokens_details?.cached_tokens ?? 0,
      shapeOk: events[0]?.event === "response.created" && !!done,
      raw: events,
    };
  },
};

export const googleGenai: DialectClient = {
  name: "genai",
  async call(base, model, prompt, stream) {
    const url = `${base}/genai/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`;
    const res = await post(url, { contents: [{ role: "user", parts: [{ text: prompt }] }] }, { "x-goog-api-key": "unused" });
    const bodies: any[] = stream ? (await sse(res)).map((e) => e.data) : [await res.json()];
    const usage = [...bodies].reverse().find((b) => b.usageMetadata)?.usageMetadata;
    return {
      text: bodies.flatMap((b) => b.candidates?.[0]?.content?.parts ?? []).map((p: any) => p.text ?? "").join(""),
      promptTokens: usage?.promptTokenCount ?? -1,
      completionTokens: usage?.candidatesTokenCount ?? -1,
      cachedTokens: usage?.cachedContentTokenCount ?? 0,
      shapeOk: bodies.some((b) => b.candidates?.[0]?.finishReason),
      raw: bodies,
    };
  },
};

export const cohereChat: DialectClient = {
  name: "cohere",
  async call(base, model, prompt, stream) {
    const res = await post(`${base}/cohere/v2/chat`, { model, messages: [{ role: "user", content: prompt }], ...(stream ? { stream: true } : {}) }, { authorization: "Bearer unused" });
    if (!stream) {
      const j: any = await res.json();
      const text = j.message.content.map((c: any) => c.text).join("");
      return {
        text,
        promptTokens: j.usage.tokens.input_tokens,
        completionTokens: j.usage.tokens.output_tokens,
        cachedTokens: j.usage.cached_tokens ?? 0,
        shapeOk: !!j.id && !!j.finish_reason,
        raw: j,
      };
    }
    const events = await sse(res);
    const end = events.find((e) => e.event === "message-end")?.data.delta;
    return {
      text: events.filter((e) => e.event === "content-delta").map((e) => e.data.delta.message.content.text).join(""),
      promptTokens: end?.usage?.tokens?.input_tokens ?? -1,
      completionTokens: end?.usage?.tokens?.output_tokens ?? -1,
      cachedTokens: end?.usage?.cached_tokens ?? 0,
      shapeOk: events[0]?.event === "message-start" && !!end?.finish_reason,
      raw: events,
    };
  },
};

/** Bedrock Converse; the stream is AWS eventstream, decoded with the gateway's own decoder (tested against AWS's bytes). */
export function bedrockConverse(decodeEvents: (bytes: Uint8Array) => Array<{ type: string; body: any }>): DialectClient {
  return {
    name: "bedrock",
    async call(base, model, prompt, stream) {
      const url = `${base}/bedrock/model/${encodeURIComponent(model)}/${stream ? "converse-stream" : "converse"}`;
      const res = await post(url, { messages: [{ role: "user", content: [{ text: prompt }] }] });
      if (!stream) {
        const j: any = await res.json();
        // Converse's inputTokens leave out cache reads.
        const cached = j.usage.cacheReadInputTokens ?? 0;
        return {
          text: j.output.message.content.map((c: any) => c.text ?? "").join(""),
          promptTokens: j.usage.inputTokens + cached,
          completionTokens: j.usage.outputTokens,
          cachedTokens: cached,
          shapeOk: !!j.stopReason && j.output.message.role === "assistant",
          raw: j,
        };
      }
      const events = decodeEvents(new Uint8Array(await res.arrayBuffer()));
      const meta = events.find((e) => e.type === "metadata")?.body;
      const cached = meta?.usage?.cacheReadInputTokens ?? 0;
      return {
        text: events.filter((e) => e.type === "contentBlockDelta").map((e) => e.body.delta?.text ?? "").join(""),
        promptTokens: (meta?.usage?.inputTokens ?? -1) + cached,
        completionTokens: meta?.usage?.outputTokens ?? -1,
        cachedTokens: cached,
        shapeOk: events[0]?.type === "messageStart" && events.some((e) => e.type === "messageStop"),
        raw: events,
      };
    },
  };
}

// ── tool calls ─────────────────────────────────────────────────────────

export interface ToolAnswer {
  name: string;
  /** The arguments as the client would read them, parsed. */
  args: unknown;
}

export interface ToolClient {
  name: string;
  /** Offer one tool, `search(query)`, and ask for it; read back the call from the vendor's shapes. */
  callTool(base: string, model: string, prompt: string, stream: boolean): Promise<ToolAnswer>;
}

const QUERY_SCHEMA = { type: "object", properties: { query: { type: "string" } }, required: ["query"] };

export const openaiChatTools: ToolClient = {
  name: "openai",
  async callTool(base, model, prompt, stream) {
    const body = { model, messages: [{ role: "user", content: prompt }], tools: [{ type: "function", function: { name: "search", parameters: QUERY_SCHEMA } }], ...(stream ? { stream: true } : {}) };
    const res = await post(`${base}/v1/chat/completions`, body);
    if (!stream) {
      const call = ((await res.json()) as any).choices[0].message.tool_calls[0].function;
      return { name: call.name, args: JSON.parse(call.arguments) };
    }
    let name = "";
    let args = "";
    for (const e of await sse(res)) for (const t of e.data.choices?.[0]?.delta?.tool_calls ?? []) (name ||= t.function?.name ?? ""), (args += t.function?.arguments ?? "");
    return { name, args: JSON.parse(args) };
  },
};

export const anthropicTools: ToolClient = {
  name: "anthropic",
  async callTool(base, model, prompt, stream) {
    const body = { model, max_tokens: 256, messages: [{ role: "user", content: prompt }], tools: [{ name: "search", input_schema: QUERY_SCHEMA }], ...(stream ? { stream: true } : {}) };
    const res = await post(`${base}/anthropic/v1/messages`, body, { "anthropic-version": "2023-06-01" });
    if (!stream) {
      const block = ((await res.json()) as any).content.find((b: any) => b.type === "tool_use");
      return { name: block.name, args: block.input };
    }
    const events = await sse(res);
    const start = events.find((e) => e.event === "content_block_start" && e.data.content_block.type === "tool_use")!;
    const json = events
      .filter((e) => e.event === "content_block_delta" && e.data.index === start.data.index && e.data.delta.type === "input_json_delta")
      .map((e) => e.data.delta.partial_json)
      .join("");
    return { name: start.data.content_block.name, args: JSON.parse(json) };
  },
};

export const responsesTools: ToolClient = {
  name: "responses",
  async callTool(base, model, prompt, stream) {
    const body = { model, input: prompt, tools: [{ type: "function", name: "search", parameters: QUERY_SCHEMA }], ...(stream ? { stream: true } : {}) };
    const res = await post(`${base}/v1/responses`, body);
    const response: any = stream ? (await sse(res)).find((e) => e.event === "response.completed")!.data.response : await res.json();
    const call = response.output.find((o: any) => o.type === "function_call");
    return { name: call.name, args: JSON.parse(call.arguments) };
  },
};

export const genaiTools: ToolClient = {
  name: "genai",
  async callTool(base, model, prompt, stream) {
    const body = { contents: [{ role: "user", parts: [{ text: prompt }] }], tools: [{ functionDeclarations: [{ name: "search", parameters: QUERY_SCHEMA }] }] };
    const res = await post(`${base}/genai/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`, body);
    const bodies: any[] = stream ? (await sse(res)).map((e) => e.data) : [await res.json()];
    const part = bodies.flatMap((b) => b.candidates?.[0]?.content?.parts ?? []).find((p: any) => p.functionCall);
    return { name: part.functionCall.name, args: part.functionCall.args };
  },
};

export const cohereTools: ToolClient = {
  name: "cohere",
  async callTool(base, model, prompt, stream) {
    const body = { model, messages: [{ role: "user", content: prompt }], tools: [{ type: "function", function: { name: "search", parameters: QUERY_SCHEMA } }], ...(stream ? { stream: true } : {}) };
    const res = await post(`${base}/cohere/v2/chat`, body);
    if (!stream) {
      const call = ((await res.json()) as any).message.tool_calls[0].function;
      return { name: call.name, args: JSON.parse(call.arguments) };
    }
    const events = await sse(res);
    const start = events.find((e) => e.event === "tool-call-start")!.data.delta.message.tool_calls;
    const args =
      (start.function.arguments ?? "") +
      events
        .filter((e) => e.event === "tool-call-delta")
        .map((e) => e.data.delta.message.tool_calls.function.arguments)
        .join("");
    return { name: start.function.name, args: JSON.parse(args) };
  },
};

export function bedrockTools(decodeEvents: (bytes: Uint8Array) => Array<{ type: string; body: any }>): ToolClient {
  return {
    name: "bedrock",
    async callTool(base, model, prompt, stream) {
      const body = { messages: [{ role: "user", content: [{ text: prompt }] }], toolConfig: { tools: [{ toolSpec: { name: "search", inputSchema: { json: QUERY_SCHEMA } } }] } };
      const res = await post(`${base}/bedrock/model/${encodeURIComponent(model)}/${stream ? "converse-stream" : "converse"}`, body);
      if (!stream) {
        const use = ((await res.json()) as any).output.message.content.find((c: any) => c.toolUse).toolUse;
        return { name: use.name, args: use.input };
      }
      const events = decodeEvents(new Uint8Array(await res.arrayBuffer()));
      const start = events.find((e) => e.type === "contentBlockStart" && e.body.start?.toolUse)!;
      const input = events
        .filter((e) => e.type === "contentBlockDelta" && e.body.contentBlockIndex === start.body.contentBlockIndex)
        .map((e) => e.body.delta.toolUse?.input ?? "")
        .join("");
      return { name: start.body.start.toolUse.name, args: JSON.parse(input) };
    },
  };
}
