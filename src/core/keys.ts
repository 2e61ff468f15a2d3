/** Key choice: the keys allowed for the model, weighted random; or one named by the caller. */
import type { ResolvedKey, ResolvedProvider } from "../config/resolved";
import { BifrostError } from "../schemas/error";

export function keyServesModel(k: ResolvedKey, model: string): boolean {
  return (k.models === null || k.models.includes(model)) && !k.blacklistedModels.includes(model);
}

export function selectKey(p: ResolvedProvider, model: string, byName?: string | null, rand: () => number = Math.random): ResolvedKey {
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
