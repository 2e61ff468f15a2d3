/** Request bodies of the load benchmark: a small chat completion and a ~200 KiB agent conversation. */

export type Scenario = "chat" | "agent";

/**
 * Streams ask for their usage (`stream_options.include_usage`), as a client that accounts for tokens does:
 * the gateway always asks the upstream for it, so without this the paced mock would send the gateway one
 * frame more than the floor (the usage chunk, which the gateway then drops), and its last gap would be
 * two paces long.
 */
export function chatBody(model: string, stream = false): string {
  return JSON.stringify({ model, messages: [{ role: "user", content: "hello benchmark" }], ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });
}

const SOURCE = `export function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  return fn().catch((err) => (attempts > 1 ? sleep(backoff(attempts)).then(() => retry(fn, attempts - 1)) : Promise.reject(err)));
}
`;

const TOOLS = ["read_file", "search_code", "run_tests", "edit_file", "list_dir"].map((name) => ({
  type: "function",
  function: {
    name,
    description: `${name.replace("_", " ")} in the repository the agent works on; returns text the model reads next.`,
    parameters: { type: "object", properties: { path: { type: "string", description: "repository-relative path" }, query: { type: "string" } }, required: ["path"] },
  },
}));

/**
 * A coding agent's conversation after many tool rounds: system prompt, tools, and turns of
 * assistant tool calls with their (long) tool results, about `kib` KiB of JSON in all.
 */
export function agentBody(model: string, kib = 200): string {
  const messages: unknown[] = [
    { role: "system", content: `You are a careful coding agent. Read before you edit; run the tests after every change.\n${SOURCE.repeat(8)}` },
    { role: "user", content: "The retry helper sometimes gives up early under load. Find out why and fix it; keep the public API." },
  ];
  const body = () => JSON.stringify({ model, messages, tools: TOOLS, temperature: 0.2, max_tokens: 1024 });
  for (let turn = 0; body().length < kib * 1024; turn++) {
    const id = `call_${turn.toString().padStart(4, "0")}`;
    const tool = TOOLS[turn % TOOLS.length]!.function.name;
    messages.push(
      { role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name: tool, arguments: JSON.stringify({ path: `src/retry/part-${turn}.ts`, query: "attempts" }) } }] },
      { role: "tool", tool_call_id: id, content: `// src/retry/part-${turn}.ts\n${SOURCE.repeat(24)}` },
      { role: "assistant", content: `Turn ${turn}: part ${turn} retries with the same backoff; the next file may hold the early exit.` },
      { role: "user", content: "Go on." },
    );
  }
  return body();
}

export function bodyFor(scenario: Scenario, model: string): string {
  return scenario === "chat" ? chatBody(model) : agentBody(model);
}
