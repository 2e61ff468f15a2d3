/**
 * The batch service as the Anthropic and GenAI surfaces see it: a BatchApi that asks the gateway for its
 * service on every call (it starts after the HTTP app is made, and is absent when batches.enabled is
 * false: then every call is a 404 batches_not_enabled, as on the OpenAI routes).
 */
import type { Bifrost } from "../core/bifrost";
import { BifrostError } from "../schemas/error";
import type { BatchService } from "./service";
import type { BatchApi } from "./types";

export function notEnabled(): BifrostError {
  return new BifrostError({ status: 404, type: "not_found_error", code: "batches_not_enabled", message: "the Files and Batch APIs are not enabled on this gateway (batches.enabled)" });
}

export function gatewayBatchApi(bf: Bifrost): BatchApi {
  const s = (): BatchService => {
    if (!bf.batches) throw notEnabled();
    return bf.batches;
  };
  return {
    admit: async (c) => void (await s().owner(c)),
    owner: (c) => s().owner(c),
    uploadFile: (c, input) => s().uploadFile(c, input),
    getFile: (c, id) => s().getFile(c, id),
    listFiles: (c, q) => s().listFiles(c, q),
    fileContent: (c, id) => s().fileContent(c, id),
    deleteFile: (c, id) => s().deleteFile(c, id),
    createBatch: (c, input) => s().createBatch(c, input),
    createBatchFromLines: (c, input) => s().createBatchFromLines(c, input),
    getBatch: (c, id) => s().getBatch(c, id),
    listBatches: (c, q) => s().listBatches(c, q),
    cancelBatch: (c, id) => s().cancelBatch(c, id),
    results: (c, id) => s().results(c, id),
  };
}
