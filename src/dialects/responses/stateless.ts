/** The gateway keeps no response store: parameters that point at stored state are refused up front. */
import { BifrostError } from "../../schemas/error";

const HINT = "the gateway is stateless and keeps no responses; send the whole conversation in input";

export function rejectStatefulParams(body: any) {
  if (body.previous_response_id != null) throw refuse("previous_response_id", `previous_response_id is not supported: ${HINT}`);
  if (body.conversation != null) throw refuse("conversation", `conversation is not supported: ${HINT}`);
  if (body.store != null && body.store !== false) throw refuse("store", `store must be false or omitted: ${HINT}`);
  if (body.background != null && body.background !== false) throw refuse("background", `background must be false or omitted: ${HINT}`);
  if (body.prompt != null) throw refuse("prompt", "prompt (a stored prompt template) is not supported: send instructions and input");
}

function refuse(param: string, message: string): BifrostError {
  return BifrostError.badRequest(message, param, "unsupported_parameter");
}
