import { BifrostError } from "../../schemas/error";

/** A frame we cannot read is the upstream's fault (502), never a crash of ours. */
export function malformed(reason: string): BifrostError {
  return new BifrostError({ status: 502, type: "upstream_error", code: "malformed_event_stream", message: `upstream sent a malformed event stream: ${reason}` });
}
