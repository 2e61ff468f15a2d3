/** Canonical model listing: OpenAI's /v1/models. */
export interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  [k: string]: unknown;
}

export interface ModelList {
  object: "list";
  data: ModelEntry[];
}
