/** Reading an OpenAI SDK chat stream as a user sees it. */
import type OpenAI from "openai";

/** A stream's joined text, its last finish_reason and its usage. */
export async function collectChat(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let text = "";
  let usage: OpenAI.CompletionUsage | null = null;
  let finish: string | null = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) usage = chunk.usage;
  }
  return { text, usage: usage!, finish };
}
