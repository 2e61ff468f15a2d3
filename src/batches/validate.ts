/**
 * An OpenAI batch input file checked line by line, as OpenAI checks it: JSON, a unique custom_id, POST,
 * a supported url that is the batch's endpoint, a body with a model. Errors are OpenAI's batch `errors`
 * entries, naming the line.
 */
import type { BatchError, BatchInputLine } from "./types";
import type { TextLine } from "./jsonl";

/** The endpoints a batch may run (OpenAI's, less those this gateway does not serve). */
export const BATCH_ENDPOINTS: ReadonlySet<string> = new Set(["/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/responses"]);
/** OpenAI's limit of requests per batch. */
export const MAX_BATCH_LINES = 50_000;
/** Errors reported at most (the rest are counted in the last one's message). */
const MAX_ERRORS = 100;

export interface ParsedLine {
  /** 0-based among the file's requests: the line's place in the output. */
  index: number;
  line: number;
  input: BatchInputLine;
}

export interface CheckOptions {
  endpoint: string;
  /** The provider the batch runs on. */
  provider: string;
  /** Configured provider names: a model prefixed with another one is refused. */
  providers: ReadonlySet<string>;
}

/** A line's request, or its error. */
export function checkLine(l: TextLine, o: CheckOptions, seen: Set<string>): BatchInputLine | BatchError {
  const err = (code: string, message: string, param: string | null = null): BatchError => ({ code, message, param, line: l.line });
  let v: any;
  try {
    v = JSON.parse(l.text);
  } catch {
    return err("invalid_json_line", "This line is not parseable as valid JSON.");
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return err("invalid_json_line", "This line is not a JSON object.");
  if (typeof v.custom_id !== "string" || !v.custom_id) return err("missing_required_parameter", "Missing required parameter: 'custom_id'.", "custom_id");
  if (seen.has(v.custom_id)) return err("duplicate_custom_id", "The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.", "custom_id");
  seen.add(v.custom_id);
  if (v.method !== "POST") return err("invalid_value", `Invalid value: '${String(v.method)}'. Supported values are: 'POST'.`, "method");
  if (typeof v.url !== "string" || !BATCH_ENDPOINTS.has(v.url)) return err("invalid_url", `Invalid value: '${String(v.url)}'. Supported values are: ${[...BATCH_ENDPOINTS].map((e) => `'${e}'`).join(", ")}.`, "url");
  if (v.url !== o.endpoint) return err("mismatched_endpoint", `The url '${v.url}' does not match the batch's endpoint '${o.endpoint}'.`, "url");
  if (!v.body || typeof v.body !== "object" || Array.isArray(v.body)) return err("missing_required_parameter", "Missing required parameter: 'body'.", "body");
  if (typeof v.body.model !== "string" || !v.body.model) return err("missing_required_parameter", "Missing required parameter: 'body.model'.", "body.model");
  const slash = v.body.model.indexOf("/");
  const prefix = slash > 0 ? v.body.model.slice(0, slash) : null;
  if (prefix && prefix !== o.provider && o.providers.has(prefix)) {
    return err("invalid_model", `Model '${v.body.model}' names provider ${prefix}, but this batch runs on ${o.provider}.`, "body.model");
  }
  return { custom_id: v.custom_id, method: "POST", url: v.url, body: v.body };
}

/** Every line checked: how many requests, and the errors (none: the file is valid). */
export async function checkInput(lines: AsyncIterable<TextLine>, o: CheckOptions): Promise<{ total: number; errors: BatchError[] }> {
  const seen = new Set<string>();
  const errors: BatchError[] = [];
  let total = 0;
  let more = 0;
  for await (const l of lines) {
    total++;
    const r = checkLine(l, o, seen);
    if ("code" in r) {
      if (errors.length < MAX_ERRORS) errors.push(r);
      else more++;
    }
  }
  if (more) errors.push({ code: "too_many_errors", message: `${more} more lines have errors.`, param: null, line: null });
  if (total === 0) errors.push({ code: "empty_file", message: "The input file has no requests.", param: "input_file_id", line: null });
  if (total > MAX_BATCH_LINES) errors.push({ code: "too_many_requests", message: `The input file has ${total} requests; a batch may have at most ${MAX_BATCH_LINES}.`, param: "input_file_id", line: null });
  return { total, errors };
}

/** The requests of a valid file, numbered. */
export async function* parsedLines(lines: AsyncIterable<TextLine>): AsyncGenerator<ParsedLine> {
  let index = 0;
  for await (const l of lines) {
    const v = JSON.parse(l.text) as BatchInputLine;
    yield { index: index++, line: l.line, input: v };
  }
}

/** The model as the provider knows it (native: "openai/gpt-4o" → "gpt-4o") or as the gateway routes it ("my-vllm/llama"). */
export function withProviderModel(input: BatchInputLine, provider: string, prefixed: boolean): BatchInputLine {
  const model = String(input.body.model);
  const own = model.startsWith(`${provider}/`);
  const next = prefixed ? (own ? model : `${provider}/${model}`) : own ? model.slice(provider.length + 1) : model;
  if (next === model) return input;
  return { ...input, body: { ...input.body, model: next } };
}
