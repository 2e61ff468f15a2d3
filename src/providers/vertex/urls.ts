/** Where Vertex serves a publisher model: the regional host, the global one, or a configured override. */
import { modelPathSegments } from "../../core/model-name";
import type { ProviderTarget } from "../types";
import type { VertexConfig } from "./config";

/** A base_url that is one of Google's own hosts (or empty) means "derive it from the region". */
const GOOGLE_HOST = /^https:\/\/([a-z0-9-]+-)?aiplatform(\.[a-z0-9-]+)?(\.rep)?\.googleapis\.com\/?$/i;

export function vertexOrigin(target: ProviderTarget, region: string): string {
  // Any other base_url (a proxy, the test mock) is used as given.
  if (target.baseUrl && !GOOGLE_HOST.test(target.baseUrl)) return target.baseUrl.replace(/\/+$/, "");
  if (region === "global") return "https://aiplatform.googleapis.com";
  // Multi-region locations live on their own "rep" hosts.
  if (region === "us" || region === "eu") return `https://aiplatform.${region}.rep.googleapis.com`;
  return `https://${region}-aiplatform.googleapis.com`;
}

export function vertexModelUrl(target: ProviderTarget, cfg: VertexConfig, publisher: "google" | "anthropic", method: string): string {
  const { project, region } = cfg;
  return `${vertexOrigin(target, region)}/v1/projects/${project}/locations/${region}/publishers/${publisher}/models/${modelPathSegments(target.model)}:${method}`;
}
