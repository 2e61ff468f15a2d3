/**
 * Model names as they reach a provider: checked, then normalised, so that the name a key's `models` and
 * `blacklisted_models` are matched against is the one the upstream is called with. Several adapters put the
 * model in the URL path (Gemini, Vertex, Bedrock, Azure's deployment): a name must not be able to climb out of
 * its segment (`..`), start a query or fragment, or carry control characters.
 */
import { PROVIDERS } from "../providers/catalog";
import { BifrostError } from "../schemas/error";

/** Control characters, `?`, `#`, `%` (an escape the URL would decode) and `\` (a slash to WHATWG URLs). */
const UNSAFE = /[\u0000-\u001f\u007f?#%\\]/;

/**
 * Which slashes a provider's model ids may have. OpenAI-compatible servers name models `org/model`
 * (Together, OpenRouter, vLLM, Fireworks' `accounts/…`), Bedrock ARNs have them; Gemini only its resource
 * prefix (`models/x`, `tunedModels/x`); the others none.
 */
function slashesAllowed(type: string): "any" | "gemini" | "none" {
  const base = PROVIDERS[type]?.base;
  if (base === "openai" || base === "bedrock") return "any";
  return base === "gemini" ? "gemini" : "none";
}

/** `model` for `type`, normalised (Gemini's `models/` prefix dropped), or a 400 naming `model`. */
export function checkModelName(type: string, model: string): string {
  const bad = (why: string) => BifrostError.badRequest(`invalid model name "${printable(model)}": ${why}`, "model", "invalid_model");
  if (UNSAFE.test(model)) throw bad("it may not contain control characters, ?, #, % or \\");
  const segments = model.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) throw bad("empty, . and .. path segments are not allowed");
  const slashes = slashesAllowed(type);
  const name = normalizeModelName(type, model);
  if (slashes === "none" && segments.length > 1) throw bad(`${type} model ids have no "/"`);
  if (slashes === "gemini" && name.split("/").length > (name.startsWith("tunedModels/") ? 2 : 1)) {
    throw bad('gemini model ids have no "/" beyond a models/ or tunedModels/ prefix');
  }
  return name;
}

/** The name allow and deny lists are matched on: for Gemini, without the `models/` prefix (the adapter adds it back). */
export function normalizeModelName(type: string, model: string): string {
  return PROVIDERS[type]?.base === "gemini" && model.startsWith("models/") ? model.slice("models/".length) : model;
}

/** A model id as URL path segments: each escaped, the `/` between them kept; `@` (Vertex's version mark) is a legal path character. */
export function modelPathSegments(model: string): string {
  return model
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/%40/g, "@"))
    .join("/");
}

function printable(s: string): string {
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
