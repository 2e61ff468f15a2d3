/** ElevenLabs only speaks: chat and its stream are a 400 the client can act on, not a 5xx. */
import { BifrostError } from "../../schemas/error";

export function unsupported(what: string): never {
  throw BifrostError.badRequest(`elevenlabs does not support ${what}`, "model", "unsupported_operation");
}
