/** GET /anthropic/v1/models: the gateway's models (provider/model) in Anthropic's list shape, one page. */
import type { ModelList } from "../../schemas/models";

export interface AnthropicModelInfo {
  type: "model";
  id: string;
  display_name: string;
  /** RFC 3339; the epoch when the upstream did not say. */
  created_at: string;
}

export interface AnthropicModelPage {
  data: AnthropicModelInfo[];
  has_more: false;
  first_id: string | null;
  last_id: string | null;
}

export function toAnthropicModelPage(list: ModelList): AnthropicModelPage {
  const data = list.data.map((m): AnthropicModelInfo => ({
    type: "model",
    id: m.id,
    display_name: typeof m.display_name === "string" ? m.display_name : m.id,
    created_at: new Date((Number.isFinite(m.created) ? m.created : 0) * 1000).toISOString(),
  }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
