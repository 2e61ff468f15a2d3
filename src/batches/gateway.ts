/** What the batch service needs of the gateway (the Bifrost object satisfies it; tests may hand less). */
import type { ResolvedProvider } from "../config/resolved";
import type { ExternalRequest } from "../core/observation";
import type { RequestOptions, Unary } from "../core/request-path";
import type { Pipeline } from "../plugins/pipeline";
import type { Pricing } from "../pricing/types";
import type { UnaryOp } from "../schemas/ops";

export interface BatchGateway {
  readonly config: { providers: Map<string, ResolvedProvider> };
  readonly pipeline: Pipeline;
  readonly pricing: Pricing;
  /** The gateway is stopping: nothing new is admitted. */
  readonly refusing: boolean;
  request(op: UnaryOp, body: unknown, opts?: RequestOptions): Promise<Unary>;
  servesTextCompletions(model: unknown): boolean;
  /** A native batch's line, as its result arrived: to the observers (logs, metrics, governance's charge). */
  observeExternal(x: ExternalRequest): Promise<void>;
}
