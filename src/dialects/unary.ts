/**
 * A dialect's one-answer operation beside chat (token counting, embeddings): its request → the
 * canonical request for `op`, the canonical answer → its response. Pure; src/http/dialect-unary.ts serves it.
 */
import type { UnaryOp } from "../schemas/ops";
import type { IngressDialect, IngressParams } from "./types";

export interface UnaryIngress<Res = any> {
  op: UnaryOp;
  /** Throws a BifrostError (400, naming the field) on input the dialect rejects. */
  toRequest(body: any, params: IngressParams): unknown;
  fromAnswer(res: Res, params: IngressParams): unknown;
  errorBody: IngressDialect["errorBody"];
}
