/** Serving a dialect's one-answer operation (src/dialects/unary.ts): its request → the gateway → its response, errors in its shape. */
import type { Bifrost } from "../core/bifrost";
import type { IngressParams } from "../dialects/types";
import type { UnaryIngress } from "../dialects/unary";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import { costHeader, jsonResponse, withErrorHeaders } from "./respond";
import type { RouteRequest } from "./route";

export async function serveUnaryIngress(bf: Bifrost, ingress: UnaryIngress, maxBodyBytes: number, r: RouteRequest, params: IngressParams): Promise<Response> {
  try {
    const value = (await readJsonBody(r.request, maxBodyBytes)).value;
    const canonical = ingress.toRequest(value, params);
    r.holdOpen();
    const { answer, retries } = await bf.request(ingress.op, canonical, r.options());
    const headers = costHeader(answer, { ...r.headers, "x-bf-retries": String(retries) });
    // Vendor shapes have no room for it: a count the gateway estimated says so in a header.
    if (answer.value?.extra_fields?.estimated) headers["x-bf-estimated"] = "true";
    return jsonResponse(JSON.stringify(ingress.fromAnswer(answer.value, params)), 200, headers);
  } catch (err) {
    const e = BifrostError.from(err);
    const { status, body, headers } = ingress.errorBody(e);
    return jsonResponse(JSON.stringify(body), status, { ...withErrorHeaders(e, r.headers), ...headers, ...(status === 413 ? { connection: "close" } : {}) });
  }
}

