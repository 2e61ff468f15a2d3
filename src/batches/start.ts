/** The Files and Batch APIs started with the server: the configured store opened, unfinished batches resumed. */
import type { Bifrost } from "../core/bifrost";
import type { BatchesConfig } from "../config/schema";
import { batchSettings } from "./config";
import { BatchService } from "./service";

/** null when `batches.enabled` is false. */
export async function startBatches(bf: Bifrost, section: BatchesConfig | undefined, appDir: string, env: Record<string, string | undefined>): Promise<BatchService | null> {
  const settings = batchSettings(section, appDir, env);
  if (!settings.enabled) return null;
  const service = await BatchService.open(bf, settings);
  bf.batches = service;
  await service.start();
  return service;
}
