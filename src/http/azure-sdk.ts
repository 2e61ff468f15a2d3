/**
 * The Azure OpenAI SDK's paths: `new AzureOpenAI({ endpoint })` posts to
 * `/openai/deployments/{deployment}/{operation}?api-version=…` with an `api-key` header. Each is the OpenAI
 * operation with the deployment as the model, on the configured azure provider. Go Bifrost's own form,
 * `endpoint: "http://host/openai"`, arrives as `/openai/openai/deployments/…` and is served the same.
 */
import { Elysia } from "elysia";
import type { ResolvedProvider } from "../config/resolved";
import type { Bifrost } from "../core/bifrost";
import { modelForDeployment } from "../providers/azure";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import type { Route, RouteRequest } from "./route";

type Operation = (r: RouteRequest, value: unknown) => Promise<Response>;
type Operations = { chat: Operation; completions: Operation; embeddings: Operation; imageGeneration: Operation; speech: Operation };

/** The JSON-bodied operations the SDK puts under a deployment (multipart ones, transcriptions and image edits, are not served here). */
const OPERATION = /^(.+?)\/(chat\/completions|completions|embeddings|images\/generations|audio\/speech)$/;
const NO_PARSE = { parse: "none" } as const;

export function azureSdkRoutes(bf: Bifrost, route: Route, ops: Operations, maxBodyBytes: number) {
  const byPath: Record<string, Operation> = {
    "chat/completions": ops.chat,
    completions: ops.completions,
    embeddings: ops.embeddings,
    "images/generations": ops.imageGeneration,
    "audio/speech": ops.speech,
  };
  const serve = route(async (r) => {
    const rest = r.params["*"] ?? "";
    const m = OPERATION.exec(rest);
    if (!m) throw new BifrostError({ status: 404, type: "not_found_error", code: "route_not_found", message: `unsupported operation: deployments/${rest}` });
    const { value } = await readJsonBody(r.request, maxBodyBytes);
    const body = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    // The path names the deployment, whatever the body's model says (Go Bifrost does the same); the client's bytes no longer stand for the body.
    return byPath[m[2]!]!(r, { ...body, model: deploymentModel(bf.providers(), decodeSegments(m[1]!)) });
  });
  return new Elysia({ name: "azure-sdk" }).post("/openai/deployments/*", serve, NO_PARSE).post("/openai/openai/deployments/*", serve, NO_PARSE);
}

/**
 * A deployment → the gateway's `provider/model`. `{provider}/{deployment}` (Go Bifrost's form) names a configured
 * provider; otherwise it is the azure provider's: the one named "azure", else the first of type azure. A deployment
 * a key's deployments map names goes as that map's model, so keys that list models still match and the adapter maps
 * it back to the same deployment; any other name is its own deployment.
 */
export function deploymentModel(providers: ResolvedProvider[], deployment: string): string {
  const slash = deployment.indexOf("/");
  if (slash > 0 && providers.some((p) => p.name === deployment.slice(0, slash))) return deployment;
  const azure = providers.find((p) => p.type === "azure" && p.name === "azure") ?? providers.find((p) => p.type === "azure");
  if (!azure) {
    throw BifrostError.badRequest(`no azure provider is configured for deployment "${deployment}"; add one (type azure) or name the provider as {provider}/{deployment}`, "model", "provider_not_configured");
  }
  return `${azure.name}/${modelForDeployment(azure.keys, deployment)}`;
}

/** The SDK percent-encodes the deployment; a `{provider}/{deployment}` path keeps its slash. */
function decodeSegments(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
