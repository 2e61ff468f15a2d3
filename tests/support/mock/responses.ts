/**
 * The Responses API of the mock upstream (OpenAI's /v1/responses, Azure's /openai/responses and /openai/v1/responses):
 * with a web_search tool, a web_search_call item and a message citing its result (url_citation); as JSON or as
 * the Responses event stream.
 */
import { countWords, replyWords, splitInto, sseEvent, type MockCtx, type MockReply } from "./types";

/** The input's last user text: a string input, or the last user message's text parts. */
function responsesInputText(input: unknown): string {
  if (typeof input === "string") return input;
  if (!Array.isArray(input)) return "";
  const users = input.filter((m: any) => m?.role === "user");
  const c = users.at(-1)?.content;
  if (typeof c === "string") return c;
  return Array.isArray(c) ? c.map((p: any) => (typeof p?.text === "string" ? p.text : "")).join(" ") : "";
}

/** A Response: a web_search_call item (when a web_search tool was given) and a message citing its result with url_citation. */
function responseObject(body: any, ctx: MockCtx): any {
  const query = responsesInputText(body.input).trim();
  const searched = Array.isArray(body.tools) && body.tools.some((t: any) => t?.type === "web_search" || t?.type === "web_search_preview");
  const text = searched ? `Mock says yes [Mock result](https://example.com/mock).` : replyWords(query, ctx.words).join(" ");
  const citation = { type: "url_citation", start_index: 14, end_index: text.length - 1, url: "https://example.com/mock", title: "Mock result" };
  const n = ctx.nextId();
  const output: any[] = [];
  if (searched) output.push({ type: "web_search_call", id: `ws_mock_${n}`, status: "completed", action: { type: "search", query } });
  output.push({ type: "message", id: `msg_mock_${n}`, status: "completed", role: "assistant", content: [{ type: "output_text", text, annotations: searched ? [citation] : [], logprobs: [] }] });
  const inputTokens = Math.max(1, countWords(query));
  const outputTokens = countWords(text);
  return {
    id: `resp_mock_${n}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "completed",
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    model: body.model,
    output,
    parallel_tool_calls: true,
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    usage: { input_tokens: inputTokens, input_tokens_details: { cached_tokens: 0 }, output_tokens: outputTokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: inputTokens + outputTokens },
  };
}

/** The same Response as the Responses API's event stream, each event named and numbered. */
function responseEvents(res: any): string[] {
  const events: any[] = [{ type: "response.created", response: { ...res, status: "in_progress", output: [], usage: null } }, { type: "response.in_progress", response: { ...res, status: "in_progress", output: [], usage: null } }];
  res.output.forEach((item: any, output_index: number) => {
    if (item.type === "web_search_call") {
      events.push({ type: "response.output_item.added", output_index, item: { ...item, status: "in_progress" } });
      for (const phase of ["in_progress", "searching", "completed"]) events.push({ type: `response.web_search_call.${phase}`, output_index, item_id: item.id });
      events.push({ type: "response.output_item.done", output_index, item });
      return;
    }
    const part = item.content[0];
    const at = { output_index, item_id: item.id, content_index: 0 };
    events.push({ type: "response.output_item.added", output_index, item: { ...item, status: "in_progress", content: [] } });
    events.push({ type: "response.content_part.added", ...at, part: { ...part, text: "", annotations: [] } });
    for (const word of splitInto(part.text, 3)) events.push({ type: "response.output_text.delta", ...at, delta: word, logprobs: [] });
    part.annotations.forEach((annotation: any, annotation_index: number) => events.push({ type: "response.output_text.annotation.added", ...at, annotation_index, annotation }));
    events.push({ type: "response.output_text.done", ...at, text: part.text, logprobs: [] });
    events.push({ type: "response.content_part.done", ...at, part });
    events.push({ type: "response.output_item.done", output_index, item });
  });
  events.push({ type: "response.completed", response: res });
  return events.map((e, sequence_number) => sseEvent(e.type, { ...e, sequence_number }));
}

export function responsesReply(body: any, ctx: MockCtx, errorFrame: string): MockReply {
  const res = responseObject(body, ctx);
  if (body.stream !== true) return { kind: "json", status: 200, body: res };
  return { kind: "sse", frames: responseEvents(res), errorFrame };
}
