/**
 * The models the picker offers, as `provider/model`: what GET /v1/models lists (the gateway asks each
 * provider that can list its models, narrowed to the keys' allow-lists and, with a virtual key, to what
 * the key may use) and every model a provider key names in its `models` allow-list (GET /api/providers).
 * Either source may fail alone; any `provider/model` can still be typed.
 */
import { api } from "../../api";

export interface ModelChoices {
  models: string[];
  /** Why a source could not be read (shown, never swallowed). */
  problems: string[];
}

interface ProviderView {
  name: string;
  keys?: Array<{ models?: string[] }>;
}

export async function loadModelChoices(vk: string, signal: AbortSignal): Promise<ModelChoices> {
  const headers: Record<string, string> = vk ? { "x-bf-vk": vk } : {};
  const [listed, providers] = await Promise.allSettled([
    // quiet401: a 401 here may be governance asking for a virtual key, not the session ending.
    api.get<{ data?: Array<{ id?: string }> }>("/v1/models", { signal, headers, quiet401: true }),
    api.get<{ providers?: ProviderView[] }>("/api/providers", { signal }),
  ]);
  const out = new Set<string>();
  const problems: string[] = [];
  if (listed.status === "fulfilled") {
    for (const m of listed.value?.data ?? []) if (m.id) out.add(m.id);
  } else problems.push(`GET /v1/models: ${(listed.reason as Error).message}`);
  if (providers.status === "fulfilled") {
    for (const p of providers.value?.providers ?? []) for (const k of p.keys ?? []) for (const m of k.models ?? []) if (m && m !== "*") out.add(`${p.name}/${m}`);
  } else problems.push(`GET /api/providers: ${(providers.reason as Error).message}`);
  if (signal.aborted) throw new DOMException("aborted", "AbortError");
  return { models: [...out].sort(), problems };
}
