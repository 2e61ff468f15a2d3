/** Prices as plugins see them (ctx.pricing): the gateway's current catalog, by configured provider name. */
import type { AnyRequest, PluginPricing } from "../plugins/types";
import type { ChatRequest } from "../schemas/chat";
import { CHARS_PER_TOKEN, estimateInputTokens as estimateChatTokens } from "../core/token-estimate";
import type { PricingCatalog } from "./catalog";
import { costOf } from "./cost";

/** `catalog()` is read on each call (a provider change rebuilds it); `typeOf` maps a provider's name to its adapter type. */
export function pluginPricing(catalog: () => PricingCatalog, typeOf: (provider: string) => string): PluginPricing {
  return {
    priceOf: (provider, model, op) => catalog().priceOf(provider, typeOf(provider), model, op),
    costOf: (price, op, usage, request, response) => costOf(price, op, usage, request, response),
    estimateInputTokens,
  };
}

/** Chat requests by their messages and tools; any other request by the text of its input. */
function estimateInputTokens(request: AnyRequest): number {
  const r = request as Partial<ChatRequest> & { input?: unknown; prompt?: unknown; query?: unknown; documents?: unknown };
  if (Array.isArray(r.messages)) return estimateChatTokens(request as ChatRequest);
  const input = r.input ?? r.prompt ?? r.query;
  const text = typeof input === "string" ? input : input === undefined ? "" : JSON.stringify(input);
  const docs = r.documents === undefined ? 0 : JSON.stringify(r.documents).length;
  return Math.ceil((text.length + docs) / CHARS_PER_TOKEN);
}
