/** Key choice: the keys allowed for the model, weighted random; or one named by the caller. */
import type { ResolvedKey, ResolvedProvider } from "../config/resolved";
import { BifrostError } from "../schemas/error";

export function keyServesModel(k: ResolvedKey, model: string): boolean {
  return (k.models === null || k.models.includes(model)) && !k.blacklistedModels.includes(model);
}

/**
 * `usable` filters keys out for this request (dropped after a 401, rate-limited, open circuit);
 * when it leaves none of the eligible keys, the error says so (503).
 */
export function selectKey(
  p: ResolvedProvider,
  model: string,
  byName?: string | null,
  rand: () => number = Math.random,
  usable?: (k: ResolvedKey) => boolean,
): ResolvedKey {
  if (usable) return selectUsable(p, model, byName, rand, usable);
  if (byName) {
    const k = p.keys.find((k) => k.name === byName);
    if (!k) throw BifrostError.badRequest(`provider ${p.name} has no key named "${byName}"`, null, "unknown_key");
    if (!keyServesModel(k, model)) throw BifrostError.badRequest(`key "${byName}" of provider ${p.name} does not serve model ${model}`, "model", "no_eligible_key");
    return k;
  }
  const keys = p.keys;
  if (keys.length === 1 && keyServesModel(keys[0]!, model)) return keys[0]!;
  let total = 0;
  let eligible = 0;
  for (const k of keys) if (keyServesModel(k, model)) (total += k.weight), eligible++;
  if (eligible === 0) throw BifrostError.badRequest(`no key of provider ${p.name} serves model ${model}`, "model", "no_eligible_key");
  if (total <= 0) return keys.find((k) => keyServesModel(k, model))!;
  let r = rand() * total;
  let last: ResolvedKey | undefined;
  for (const k of keys) {
    if (!keyServesModel(k, model)) continue;
    last = k;
    r -= k.weight;
    if (r < 0) return k;
  }
  return last!;
}

function selectUsable(p: ResolvedProvider, model: string, byName: string | null | undefined, rand: () => number, usable: (k: ResolvedKey) => boolean): ResolvedKey {
  const k = selectKey(p, model, byName, rand); // validates the name and eligibility; usually already usable
  if (usable(k)) return k;
  if (byName) throw unavailable(p, model);
  const rest = { ...p, keys: p.keys.filter((x) => keyServesModel(x, model) && usable(x)) };
  if (rest.keys.length === 0) throw unavailable(p, model);
  return selectKey(rest, model, null, rand);
}

function unavailable(p: ResolvedProvider, model: string): BifrostError {
  return new BifrostError({
    status: 503,
    type: "upstream_error",
    code: "no_available_key",
    message: `no key of provider ${p.name} is available for model ${model} (circuits open or keys failed for this request)`,
    extra: { provider: p.name },
  });
}
